// Seat tags on both engines: a duplicate name is a 409, another seat's tag a 403, a missing
// one a 404; counts and listings only over the seat's own targets; replacing touches only the
// seat's own tags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { HubError } from '../../src/http/errors.js';
import { createTagsRepository, type TagsRepository } from '../../src/tags/tags.repository.js';
import { addConversation, addOrg, cst, type Org } from '../conversations/contract-data.js';
import { ENGINES, startEngine, type Engines } from '../conversations/engines.js';

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: unknown) => (e instanceof HubError ? e.code : String(e)));

describe.each(ENGINES)('seat tags on %s', (engine) => {
  let engines: Engines;
  let store: Store;
  let org: Org;
  let tags: TagsRepository;
  const t: Record<string, number> = {};
  const NOW = 1_700_000_000_000;

  beforeAll(async () => {
    engines = await startEngine(engine);
    store = await engines.fresh();
    org = await addOrg(store);
    const at = (h: string) => cst('2023-07-01', h);
    t.old = (await addConversation(store, { accountId: org.account1, seatId: org.seat1, uid: 'old', name: 'Old', messages: [{ content: 'x', sendTime: at('08:00:00') }] })).targetId;
    t.silent = (await addConversation(store, { accountId: org.account1, seatId: org.seat1, uid: 'silent', name: 'Silent' })).targetId;
    t.recent = (await addConversation(store, { accountId: org.account1, seatId: org.seat1, uid: 'recent', name: 'Recent', messages: [{ content: 'y', sendTime: at('12:00:00') }] })).targetId;
    t.seat2 = (await addConversation(store, { accountId: org.account2, seatId: org.seat2, uid: 'theirs', name: 'Theirs', messages: [{ content: 'z', sendTime: at('13:00:00') }] })).targetId;
    tags = createTagsRepository(store);
  }, 120_000);
  afterAll(() => engines?.close());

  it('creates tags, a duplicate name of the same seat answering 409', async () => {
    const vip = await tags.createTag(org.seat1, 'VIP', '#ff0000', NOW);
    expect(vip).toBeTypeOf('number');
    expect(await codeOf(tags.createTag(org.seat1, 'VIP', null, NOW))).toBe(409);
    // Another seat may use the same name.
    expect(await tags.createTag(org.seat2, 'VIP', null, NOW)).toBeTypeOf('number');
    expect(await tags.ownTag(org.seat1, vip)).toMatchObject({ id: vip, seatId: org.seat1, name: 'VIP', color: '#ff0000', createdAt: NOW });
  });

  it("answers 404 for a missing tag and 403 for another seat's", async () => {
    const [theirs] = await tags.listTags(org.seat2);
    expect(await codeOf(tags.ownTag(org.seat1, 99_999))).toBe(404);
    expect(await codeOf(tags.ownTag(org.seat1, theirs!.id))).toBe(403);
    expect(await codeOf(tags.deleteTag(org.seat1, theirs!.id))).toBe(403);
    expect(await codeOf(tags.replaceTargetTags(org.seat1, t.old!, [theirs!.id], NOW))).toBe(403);
    expect(await codeOf(tags.replaceTargetTags(org.seat1, t.old!, [99_999], NOW))).toBe(404);
  });

  it("replaces only the seat's own tags on a target, and lists them", async () => {
    const [vip] = await tags.listTags(org.seat1);
    const lead = await tags.createTag(org.seat1, 'lead', null, NOW);
    const [theirVip] = await tags.listTags(org.seat2);
    // seat2 tagged seat1's target once (before a transfer, say): that tag stays.
    await tags.replaceTargetTags(org.seat2, t.old!, [theirVip!.id], NOW);
    expect(await tags.replaceTargetTags(org.seat1, t.old!, [lead, vip!.id, lead], NOW)).toEqual([lead, vip!.id]);
    expect(await tags.tagsOfTarget(org.seat1, t.old!)).toEqual([vip!.id, lead]);
    await tags.replaceTargetTags(org.seat1, t.old!, [vip!.id], NOW);
    expect(await tags.tagsOfTarget(org.seat1, t.old!)).toEqual([vip!.id]);
    expect(await tags.tagsOfTarget(org.seat2, t.old!)).toEqual([theirVip!.id]);
    for (const target of [t.silent!, t.recent!]) await tags.replaceTargetTags(org.seat1, target, [vip!.id], NOW);
    await tags.replaceTargetTags(org.seat2, t.seat2!, [theirVip!.id], NOW);
  });

  it("counts and pages a tag's targets over the seat's own, newest activity first, silent last", async () => {
    const [vip, lead] = await tags.listTags(org.seat1);
    expect([vip, lead]).toEqual([
      { id: vip!.id, name: 'VIP', color: '#ff0000', targets: 3 },
      { id: lead!.id, name: 'lead', color: null, targets: 0 },
    ]);
    // seat2's tag is on seat1's target and on its own: only its own counts.
    expect((await tags.listTags(org.seat2)).map((x) => x.targets)).toEqual([1]);
    const page = await tags.targetsByTag(org.seat1, vip!.id, { offset: 0, pageSize: 10 });
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.target.name)).toEqual(['Recent', 'Old', 'Silent']);
    expect(page.rows[0]!.conversation).toMatchObject({ targetId: t.recent, seatId: org.seat1, lastSendTime: cst('2023-07-01', '12:00:00'), unreadCount: 0 });
    const second = await tags.targetsByTag(org.seat1, vip!.id, { offset: 2, pageSize: 2 });
    expect({ total: second.total, names: second.rows.map((r) => r.target.name) }).toEqual({ total: 3, names: ['Silent'] });
  });

  it('deletes a tag with its taggings, answering how many targets lost it', async () => {
    const [vip] = await tags.listTags(org.seat1);
    expect(await tags.deleteTag(org.seat1, vip!.id)).toBe(3);
    expect(await codeOf(tags.ownTag(org.seat1, vip!.id))).toBe(404);
    expect(await tags.tagsOfTarget(org.seat1, t.old!)).toEqual([]);
    expect((await tags.listTags(org.seat1)).map((x) => x.name)).toEqual(['lead']);
  });
});
