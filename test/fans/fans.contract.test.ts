// Fan counts and corrections over both engines: sums read as numbers, per-day counts, the
// not-below-zero rule, its race between two requests, and the stream number of every push.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { createFansRepository } from '../../src/fans/fans.repository.js';
import { createFans } from '../../src/fans/fans.js';
import { contractStores, ENGINES } from '../helpers/contract-engines.js';
import { failureCode, seedOrg, silentIo, storeAccess, type Org } from '../transfers/store-org.js';

const TZ = 'Asia/Shanghai';
const NOW = Date.UTC(2026, 2, 1, 3, 0, 0); // 2026-03-01 in Shanghai
const TODAY = '2026-03-01';
const stores = contractStores('fans');

describe.each(ENGINES)('fans on %s', (engine) => {
  let store: Store;
  let org: Org;
  let open: () => Promise<Store>;
  const corrected: [number | null, string, number][] = [];

  beforeAll(async () => {
    ({ open } = await stores.database(engine));
    store = await open();
    org = await seedOrg(store);
    const { fanEvents } = store.tables;
    const seat = org.seats[0]!.id;
    const account = org.accounts[0]!;
    // Two first-seen targets yesterday, three today, one of them taken back.
    for (const [day, delta] of [['2026-02-28', 1], ['2026-02-28', 1], [TODAY, 1], [TODAY, 1], [TODAY, 1], [TODAY, -1]] as const) {
      await store.db.insert(fanEvents).values({ seatId: seat, accountId: account, targetId: null, day, delta, reason: null, byUserId: null, createdAt: NOW });
    }
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  const fansOn = (s: Store) =>
    createFans({ store: s, access: storeAccess(s), io: silentIo(), clock: { now: () => NOW }, tzName: TZ, onCorrected: (...args) => corrected.push(args) });

  it('sums a day and a range as numbers', async () => {
    const repository = createFansRepository(store);
    const seat = org.seats[0]!.id;
    expect(await repository.fanCountOn(seat, TODAY)).toBe(2);
    expect(await repository.fanCountOn(seat, '2026-01-01')).toBe(0);
    expect(await store.transaction((tx) => repository.fanCountOn(seat, '2026-02-28', tx))).toBe(2);
    expect([...(await repository.fanCountsBetween(seat, '2026-02-27', TODAY))]).toEqual([
      ['2026-02-28', 2],
      [TODAY, 2],
    ]);
    expect(await repository.branchOfSeat(seat)).toBe(org.branchId);
    expect(await repository.branchOfSeat(org.master.id)).toBeNull();
    expect(await store.transaction((tx) => repository.seatOfAccount(tx, org.accounts[3]!))).toBeNull();
    expect(await store.transaction((tx) => repository.seatOfAccount(tx, 999_999))).toBeUndefined();
  });

  it('answers zero-filled per-day counts to whoever may see the seat', async () => {
    const fans = fansOn(store);
    const seat = org.seats[0]!;
    expect(await fans.counts(seat, { seatId: seat.id, from: '2026-02-27' })).toEqual([
      { date: '2026-02-27', count: 0 },
      { date: '2026-02-28', count: 2 },
      { date: TODAY, count: 2 },
    ]);
    expect(await failureCode(fans.counts(seat, { seatId: org.seats[1]!.id }))).toBe(403);
    expect(await failureCode(fans.counts(org.master, { seatId: seat.id, from: '2026-03-02' }))).toBe(400);
  });

  it('corrects today within the bounds, with a seq in the seat stream, and refuses going below zero', async () => {
    const fans = fansOn(store);
    const seat = org.seats[0]!;
    const { activity } = store.tables;
    expect(await fans.correct(org.master, { accountId: org.accounts[0]!, delta: 3, reason: '补录' })).toEqual({ date: TODAY, count: 5 });
    expect(corrected.at(-1)?.slice(0, 2)).toEqual([org.branchId, TODAY]);
    expect(await failureCode(fans.correct(org.master, { accountId: org.accounts[0]!, delta: -6, reason: null }))).toBe(409);
    expect(await failureCode(fans.correct(org.master, { accountId: org.accounts[0]!, delta: 0, reason: null }))).toBe(400);
    expect(await failureCode(fans.correct(org.master, { accountId: org.accounts[0]!, delta: 1001, reason: null }))).toBe(400);
    expect(await failureCode(fans.correct(org.master, { accountId: 999_999, delta: 1, reason: null }))).toBe(404);
    expect(await failureCode(fans.correct(org.master, { accountId: org.accounts[3]!, delta: 1, reason: null }))).toBe(403); // unassigned
    expect(await failureCode(fans.correct(org.seats[1]!, { accountId: org.accounts[0]!, delta: 1, reason: null }))).toBe(403);
    const pushed = await fans.announce(seat.id, TODAY);
    expect(pushed).toMatchObject({ custServId: String(seat.id), date: TODAY, count: 5 });
    const seqs = (await store.db.select({ seq: activity.seq }).from(activity).where(eq(activity.seatId, seat.id))).map((r) => r.seq);
    expect(seqs).toEqual([1, 2]);
    expect(pushed.seq).toBe(2);
    // With a place kept by the message that made the fan, no activity of its own.
    expect(await fans.announce(seat.id, TODAY, { cursor: 77, seq: 9 })).toMatchObject({ count: 5, cursor: 77, seq: 9 });
  });

  it('lets only one of two simultaneous corrections take the last fan', async () => {
    const seat = org.seats[1]!;
    const account = org.accounts[1]!;
    const fans = fansOn(store);
    expect(await fans.correct(org.master, { accountId: account, delta: 1, reason: null })).toEqual({ date: TODAY, count: 1 });
    // PostgreSQL: two stores (two hosts) on one database. SQLite: one connection, as in a hub.
    const second = engine === 'pg' ? await open() : store;
    try {
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all([
          failureCode(fans.correct(org.master, { accountId: account, delta: -1, reason: null })),
          failureCode(fansOn(second).correct(org.master, { accountId: account, delta: -1, reason: null })),
        ]);
        expect(results.sort()).toEqual([409, 'ok']);
        expect(await createFansRepository(store).fanCountOn(seat.id, TODAY)).toBe(0);
        await fans.correct(org.master, { accountId: account, delta: 1, reason: null });
      }
    } finally {
      if (second !== store) await second.close();
    }
  });
});
