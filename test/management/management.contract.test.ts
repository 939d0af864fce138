// The management repository over both engines: a seat's Telegram link, and a branch's seat list
// with today's fans (corrections included, PostgreSQL's numeric sum as a number) and open
// conversations (bigint count as a number).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { createManagementRepository, type ManagementRepository } from '../../src/management/management.repository.js';
import { contractStores, ENGINES } from '../helpers/contract-engines.js';

const engines = ENGINES;
const TODAY = '2026-11-26';

const stores = contractStores('management');

describe.each(engines)('management on %s', (engine) => {
  let store: Store;
  let management: ManagementRepository;
  const id: Record<string, number> = {};

  beforeAll(async () => {
    store = await stores.open(engine);
    management = createManagementRepository(store);
    const { branches, users, accounts, targets, conversations, fanEvents } = store.tables;
    const db = store.db;
    const [north] = await db.insert(branches).values({ name: 'north' }).returning({ id: branches.id });
    const [south] = await db.insert(branches).values({ name: 'south' }).returning({ id: branches.id });
    id.north = north!.id;
    id.south = south!.id;
    const people = [
      ['seatB', 'seat', north!.id, false],
      ['seatA', 'seat', north!.id, false],
      ['gone', 'seat', north!.id, true],
      ['boss', 'branch', north!.id, false],
      ['far', 'seat', south!.id, false],
    ] as const;
    for (const [username, role, branchId, disabled] of people) {
      const [row] = await db.insert(users).values({ username, name: username.toUpperCase(), passwordHash: 'x', role, branchId, disabled }).returning({ id: users.id });
      id[username] = row!.id;
    }
    const [account] = await db.insert(accounts).values({ phone: '+100', seatId: id.seatB, branchId: north!.id }).returning({ id: accounts.id });
    // seatB: three conversations, two of them with unread messages.
    for (const [i, unread] of [3, 0, 1].entries()) {
      const [target] = await db.insert(targets).values({ accountId: account!.id, platformUid: `u${i}`, createdAt: 0 }).returning({ id: targets.id });
      await db.insert(conversations).values({ targetId: target!.id, accountId: account!.id, seatId: id.seatB, unreadCount: unread });
    }
    // seatB today: +1 +1 +1 and a correction of -1; yesterday's fans do not count.
    await db.insert(fanEvents).values([
      ...[1, 1, 1, -1].map((delta) => ({ seatId: id.seatB!, accountId: account!.id, day: TODAY, delta })),
      { seatId: id.seatB!, accountId: account!.id, day: '2026-11-25', delta: 5 },
      { seatId: id.far!, accountId: account!.id, day: TODAY, delta: 7 },
    ]);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('lists the enabled seats of one branch by id, with today’s fans and open conversations as numbers', async () => {
    const seats = await management.seatsOfBranch(id.north!, TODAY);
    expect(seats).toEqual([
      { id: id.seatB, name: 'SEATB', username: 'seatB', telegramLink: null, fansToday: 2, openConversations: 2 },
      { id: id.seatA, name: 'SEATA', username: 'seatA', telegramLink: null, fansToday: 0, openConversations: 0 },
    ]);
    expect(await management.seatsOfBranch(id.south!, TODAY)).toEqual([expect.objectContaining({ username: 'far', fansToday: 7, openConversations: 0 })]);
    expect(await management.seatsOfBranch(id.north!, '2026-11-25')).toEqual([expect.objectContaining({ username: 'seatB', fansToday: 5 }), expect.objectContaining({ username: 'seatA', fansToday: 0 })]);
    expect(await management.seatsOfBranch(999_999, TODAY)).toEqual([]);
  });

  it('sets, reads and clears a seat’s Telegram link', async () => {
    expect(await management.telegramLinkOf(id.seatA!)).toBeNull();
    await management.setTelegramLink(id.seatA!, 'https://t.me/seat_a');
    expect(await management.telegramLinkOf(id.seatA!)).toBe('https://t.me/seat_a');
    expect((await management.seatsOfBranch(id.north!, TODAY)).find((s) => s.id === id.seatA)!.telegramLink).toBe('https://t.me/seat_a');
    await management.setTelegramLink(id.seatA!, null);
    expect(await management.telegramLinkOf(id.seatA!)).toBeNull();
    // No such user: nothing to read, nothing written.
    await management.setTelegramLink(999_999, 'tg://resolve?domain=x');
    expect(await management.telegramLinkOf(999_999)).toBeNull();
  });
});
