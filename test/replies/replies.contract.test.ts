// Quick replies on both engines: activity stamps from the writing transaction, own items before
// the branch's, keywords matched literally and without regard to ASCII case, search ranked by
// shortcut prefix, then title, then body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Store } from '../../src/db/store.js';
import { createRepliesRepository, type NewContent, type RepliesRepository, type Viewer } from '../../src/replies/replies.repository.js';
import { addOrg, type Org } from '../conversations/contract-data.js';
import { ENGINES, startEngine, type Engines } from '../conversations/engines.js';

describe.each(ENGINES)('quick replies on %s', (engine) => {
  let engines: Engines;
  let store: Store;
  let org: Org;
  let manager: number;
  let replies: RepliesRepository;
  let seat1: Viewer;
  const NOW = 1_700_000_000_000;
  const item = (over: Partial<NewContent>): NewContent => ({
    scope: 'seat',
    ownerUserId: org.seat1,
    branchId: org.branch1,
    title: 'title',
    body: 'body',
    contentType: '1',
    mediaUrl: null,
    shortcut: null,
    ...over,
  });
  const titles = (rows: { title: string }[]) => rows.map((r) => r.title);

  beforeAll(async () => {
    engines = await startEngine(engine);
    store = await engines.fresh();
    org = await addOrg(store);
    const { users } = store.tables;
    manager = (await store.db.select({ id: users.id }).from(users).where(eq(users.username, 'branch1')))[0]!.id;
    replies = createRepliesRepository(store);
    seat1 = { userId: org.seat1, branchId: org.branch1 };
  }, 120_000);
  afterAll(() => engines?.close());

  it("stamps a seat's item in its stream and a branch item on the hub cursor only", async () => {
    const first = await replies.create(item({ title: 'Greeting', body: 'Hello there', shortcut: 'hi' }), NOW);
    expect(first.stamp).toEqual({ cursor: 1, seq: 1 });
    const second = await replies.create(item({ title: 'Discount', body: 'Now 50% off', shortcut: 'sale' }), NOW);
    expect(second.stamp).toEqual({ cursor: 2, seq: 2 });
    const branch = await replies.create(item({ scope: 'branch', ownerUserId: manager, title: 'Branch hello', body: 'welcome_all', shortcut: 'bh' }), NOW);
    expect(branch.stamp).toEqual({ cursor: 3, seq: null });
    await replies.create(item({ ownerUserId: org.seat2, title: 'Not yours', body: 'hello' }), NOW);
    expect(await replies.find(first.id)).toEqual({ id: first.id, ...item({ title: 'Greeting', body: 'Hello there', shortcut: 'hi' }), createdAt: NOW });
    expect(await replies.find(99_999)).toBeUndefined();
  });

  it('lists own items first, newest first, then the branch; keywords literal and case-blind', async () => {
    const all = await replies.list(seat1, undefined, { offset: 0, pageSize: 10 });
    expect({ total: all.total, titles: titles(all.rows) }).toEqual({ total: 3, titles: ['Discount', 'Greeting', 'Branch hello'] });
    const page = await replies.list(seat1, undefined, { offset: 1, pageSize: 1 });
    expect({ total: page.total, titles: titles(page.rows) }).toEqual({ total: 3, titles: ['Greeting'] });
    expect(titles((await replies.list(seat1, 'HELLO', { offset: 0, pageSize: 10 })).rows)).toEqual(['Greeting', 'Branch hello']);
    expect(titles((await replies.list(seat1, '50%', { offset: 0, pageSize: 10 })).rows)).toEqual(['Discount']);
    expect(titles((await replies.list(seat1, '0_', { offset: 0, pageSize: 10 })).rows)).toEqual([]);
    expect(titles((await replies.list(seat1, 'e_a', { offset: 0, pageSize: 10 })).rows)).toEqual(['Branch hello']);
    // Without a branch, only one's own.
    expect(titles((await replies.list({ userId: org.seat1, branchId: null }, undefined, { offset: 0, pageSize: 10 })).rows)).toEqual(['Discount', 'Greeting']);
  });

  it('ranks a search by shortcut prefix, then title, then body', async () => {
    const found = await replies.search(seat1, 'H', { offset: 0, pageSize: 10 });
    // 'hi' and 'bh' prefixes: own 'hi' first; then titles with h (Branch hello); bodies none left.
    expect(titles(found.rows)).toEqual(['Greeting', 'Branch hello']);
    expect(titles((await replies.search(seat1, 'sa', { offset: 0, pageSize: 10 })).rows)).toEqual(['Discount']);
    const byBody = await replies.search(seat1, 'THERE', { offset: 0, pageSize: 10 });
    expect({ total: byBody.total, titles: titles(byBody.rows) }).toEqual({ total: 1, titles: ['Greeting'] });
    // Titles (own before branch) before bodies.
    const ranked = await replies.search(seat1, 'O', { offset: 0, pageSize: 10 });
    expect(titles(ranked.rows)).toEqual(['Discount', 'Branch hello', 'Greeting']);
  });

  it("names a branch's seats and removes an item with a new stamp", async () => {
    expect((await replies.seatIdsOfBranch(org.branch1)).sort((a, b) => a - b)).toEqual([org.seat1, org.seat2]);
    expect(await replies.seatIdsOfBranch(org.branch2)).toEqual([org.seat3]);
    const [greeting] = (await replies.list(seat1, 'greeting', { offset: 0, pageSize: 10 })).rows;
    expect(await replies.remove(greeting!, NOW)).toEqual({ cursor: 5, seq: 3 });
    expect(await replies.find(greeting!.id)).toBeUndefined();
  });
});
