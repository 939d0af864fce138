// Transfers over both engines: seat search, the move with both seats' stream numbers, replays,
// every refusal as its 4xx, and two stores on one database transferring one target at once.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { createTransfersRepository } from '../../src/transfers/transfers.repository.js';
import { createTransfers } from '../../src/transfers/transfers.js';
import { contractStores, ENGINES } from '../helpers/contract-engines.js';
import { failureCode, seedOrg, silentIo, storeAccess, type Org } from './store-org.js';

const NOW = Date.UTC(2026, 2, 1, 3, 0, 0);
const stores = contractStores('transfers');

describe.each(ENGINES)('transfers on %s', (engine) => {
  let store: Store;
  let org: Org;
  let open: () => Promise<Store>;

  beforeAll(async () => {
    ({ open } = await stores.database(engine));
    store = await open();
    org = await seedOrg(store);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  const transfersOn = (s: Store) => createTransfers({ store: s, access: storeAccess(s), io: silentIo(), clock: { now: () => NOW }, tzName: 'Asia/Shanghai' });
  /** Every seq of a seat's stream, in order, and the stream's counter. */
  async function streamOf(s: Store, seatId: number) {
    const { activity, seatStreams } = s.tables;
    const seqs = (await s.db.select({ seq: activity.seq }).from(activity).where(eq(activity.seatId, seatId)).orderBy(asc(activity.seq))).map((r) => r.seq);
    const [counter] = await s.db.select({ seq: seatStreams.seq }).from(seatStreams).where(eq(seatStreams.seatId, seatId));
    return { seqs, last: counter?.seq ?? 0 };
  }
  const gapFree = (stream: { seqs: (number | null)[]; last: number }) => {
    expect(stream.seqs).toEqual(Array.from({ length: stream.last }, (_, i) => i + 1));
  };

  it('searches the seats of a branch literally, case-insensitively, without the caller or disabled seats', async () => {
    const repository = createTransfersRepository(store);
    const search = (text: string, excludeId = org.manager.id) => repository.searchSeats({ branchId: org.branchId, excludeId, text, limit: 50 });
    expect((await search('')).map((s) => s.username)).toEqual(['seat_a', 'seat_b']);
    expect((await search('%')).map((s) => s.username)).toEqual(['seat_a']);
    expect((await search('_b')).map((s) => s.username)).toEqual(['seat_b']);
    expect((await search('BOB')).map((s) => s.username)).toEqual(['seat_b']);
    expect((await search('SEAT_', org.seats[0]!.id)).map((s) => s.username)).toEqual(['seat_b']);
    expect(await search('carol')).toEqual([]);
    expect((await transfersOn(store).searchSeats(org.otherSeat, 'zed'))).toEqual([]);
  });

  it('moves a target, numbers both seats\' streams, records it and answers its source', async () => {
    const [a, b] = org.seats as [typeof org.master, typeof org.master];
    const transfers = transfersOn(store);
    const outcome = await transfers.transfer(org.master, { targetId: org.targets[0]!, toSeatId: b.id, reason: '调整', requestId: 'r1' });
    expect(outcome.replayed).toBe(false);
    const repository = createTransfersRepository(store);
    expect(await store.transaction((tx) => repository.ownerOf(tx, org.targets[0]!))).toBe(b.id);
    const chain = await repository.transferChain(org.targets[0]!);
    expect(chain.map((t) => [t.id, t.fromSeatId, t.toSeatId, t.byUserId, t.reason, t.requestKey])).toEqual([
      [outcome.transferId, a.id, b.id, org.master.id, '调整', `${org.master.id}:r1`],
    ]);
    expect((await streamOf(store, a.id)).last).toBe(1);
    expect((await streamOf(store, b.id)).last).toBe(1);
    const source = await transfers.source(org.master, org.targets[0]!);
    expect(source).toMatchObject({ fromCustServId: String(a.id), fromName: a.name, reason: '调整', transferTimeMs: NOW });
    expect(await repository.latestTransferInto(org.targets[0]!, a.id)).toBeUndefined();

    // A retry answers the first id and changes nothing; the key for another transfer is a 409.
    expect(await transfers.transfer(org.master, { targetId: org.targets[0]!, toSeatId: b.id, reason: null, requestId: 'r1' })).toEqual({
      transferId: outcome.transferId,
      replayed: true,
    });
    expect(await failureCode(transfers.transfer(org.master, { targetId: org.targets[0]!, toSeatId: a.id, reason: null, requestId: 'r1' }))).toBe(409);
    expect(await repository.transferChain(org.targets[0]!)).toHaveLength(1);
  });

  it('refuses with the 4xx of each rule and leaves the streams untouched', async () => {
    const [a, b, disabled] = org.seats as [typeof org.master, typeof org.master, typeof org.master];
    const transfers = transfersOn(store);
    const before = [await streamOf(store, a.id), await streamOf(store, b.id)];
    const target = org.targets[1]!; // seat b's
    const attempt = (user: typeof org.master, toSeatId: number, targetId = target) =>
      failureCode(transfers.transfer(user, { targetId, toSeatId, reason: null, requestId: null }));
    expect(await attempt(b, b.id)).toBe(400); // to yourself
    expect(await attempt(org.master, 999_999)).toBe(404); // no such seat
    expect(await attempt(org.master, org.manager.id)).toBe(404); // not a seat
    expect(await attempt(org.master, org.otherSeat.id)).toBe(400); // another branch
    expect(await attempt(org.master, disabled.id)).toBe(400); // disabled
    expect(await attempt(org.master, b.id)).toBe(409); // already there
    expect(await attempt(a, a.id)).toBe(403); // a seat moving another seat's target
    expect(await attempt(org.master, a.id, 999_999)).toBe(404); // no such target
    expect(await failureCode(transfers.source(org.master, org.targets[2]!))).toBe(404); // never transferred
    expect([await streamOf(store, a.id), await streamOf(store, b.id)]).toEqual(before);
  });

  it('lets exactly one of two stores win a transfer of the same target at once, numbers without gaps', async () => {
    const [a, b] = org.seats as [typeof org.master, typeof org.master];
    // SQLite: a second connection in this process would block the thread on the file lock that
    // the first holds across an await; processes sharing the file are transfer-race.test.ts.
    // Here both requests share the one connection, as a hub's requests do.
    const second = engine === 'pg' ? await open() : store;
    try {
      const one = transfersOn(store);
      const two = transfersOn(second);
      const target = org.targets[0]!; // seat b's since the first move
      let owner = b.id;
      let wins = 0;
      for (let round = 0; round < 8; round++) {
        // Both ask to move it away from its owner (to the branch's other enabled seat) at once.
        const to = owner === a.id ? [b.id, b.id] : [a.id, a.id];
        const results = await Promise.all([
          failureCode(one.transfer(org.master, { targetId: target, toSeatId: to[0]!, reason: `one ${round}`, requestId: null })),
          failureCode(two.transfer(org.master, { targetId: target, toSeatId: to[1]!, reason: `two ${round}`, requestId: null })),
        ]);
        expect(results.filter((r) => r === 'ok')).toHaveLength(1);
        expect(results.filter((r) => r !== 'ok')).toEqual([409]);
        wins++;
        owner = to[0]!;
      }
      const chain = await createTransfersRepository(store).transferChain(target);
      expect(chain).toHaveLength(1 + wins);
      for (let i = 1; i < chain.length; i++) expect(chain[i]!.fromSeatId).toBe(chain[i - 1]!.toSeatId);
      gapFree(await streamOf(store, a.id));
      gapFree(await streamOf(store, b.id));
    } finally {
      if (second !== store) await second.close();
    }
  });
  it('answers one transfer to two requests with the same key at once, from two stores', async () => {
    const [a, b] = org.seats as [typeof org.master, typeof org.master];
    const second = engine === 'pg' ? await open() : store;
    try {
      const repository = createTransfersRepository(store);
      const target = org.targets[0]!;
      const owner = await store.transaction((tx) => repository.ownerOf(tx, target));
      const toSeatId = owner === a.id ? b.id : a.id;
      const input = { targetId: target, toSeatId, reason: null, requestId: 'same-key' };
      const outcomes = await Promise.all([transfersOn(store).transfer(org.master, input), transfersOn(second).transfer(org.master, input)]);
      expect(outcomes[0]!.transferId).toBe(outcomes[1]!.transferId);
      expect(outcomes.map((o) => o.replayed).sort()).toEqual([false, true]);
      expect((await repository.transferChain(target)).filter((t) => t.requestKey === `${org.master.id}:same-key`)).toHaveLength(1);
      gapFree(await streamOf(store, a.id));
      gapFree(await streamOf(store, b.id));
    } finally {
      if (second !== store) await second.close();
    }
  });
});
