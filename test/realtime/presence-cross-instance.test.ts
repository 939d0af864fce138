// `seat:presence` with a seat's sockets spread over two hub instances sharing one SQLite file and
// one private redis-server: online on the first socket anywhere, offline after the last one
// anywhere, once each, seen by branch sockets on both instances.
//
// "Nothing more was announced" is proven with a barrier, not a bare sleep: seat2 comes online and
// goes offline on the instance that would have made the unwanted announcement. Each presence
// decision on an instance runs the same ordered pipeline (local rooms, NUMSUB, one request on the
// shared request channel, responses in order, then the emit, which reaches the other instance
// through the same Redis connection), so once seat2's announcements from that instance reached
// both observers, anything seat1's earlier handler there would have emitted has arrived too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeatPresencePayload } from '../../src/realtime/events.js';
import { rooms } from '../../src/realtime/rooms.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { collectEvents, connectSocket, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { userIdIn } from '../messages/fixtures.js';

/** Extra quiet time after a barrier, for anything that would not follow the pipeline above. */
const SETTLE_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('seat presence across two instances', () => {
  let redis: PrivateRedis;
  let a: TestHub;
  let b: TestHub;
  let seat1Id: string;
  let seat2Id: string;
  let seat1Token: string;
  let seat2Token: string;
  /** super1 on B and branch1 on A, both in the seats' branch room. */
  let onB: SeatPresencePayload[];
  let onA: SeatPresencePayload[];
  let seat1OnA: ClientSocket;
  let seat1OnB: ClientSocket;
  const open: ClientSocket[] = [];

  const connect = async (hub: TestHub, token: string) => {
    const socket = await connectSocket(hub.url, token);
    open.push(socket);
    return socket;
  };
  const ids = new Map<string, number>();
  const idOf = (username: string) => ids.get(username)!;
  const of = (list: SeatPresencePayload[], custServId: string) => list.filter((p) => p.custServId === custServId).map((p) => p.online);
  const observers = () => [
    { where: 'super1 on B', list: onB },
    { where: 'branch1 on A', list: onA },
  ];
  const localSockets = (hub: TestHub, userId: string) => hub.hub.io.local.in(rooms.user(userId)).fetchSockets();

  /** Closes the client and waits until `hub` has dropped the socket (its disconnect handlers have run). */
  async function closeOn(hub: TestHub, socket: ClientSocket, userId: string, expectedLeft: number) {
    socket.close();
    const deadline = Date.now() + 5000;
    while ((await localSockets(hub, userId)).length !== expectedLeft) {
      if (Date.now() > deadline) throw new Error('the hub kept the closed socket');
      await sleep(5);
    }
  }

  /** seat2 online then offline on `hub` alone; both observers must see each exactly once more. */
  async function barrier(hub: TestHub) {
    const before = observers().map(({ list }) => of(list, seat2Id).length);
    const seat2 = await connect(hub, seat2Token);
    for (const [i, { where, list }] of observers().entries()) {
      await waitFor(() => of(list, seat2Id).length === before[i]! + 1, 5000, `seat2 online at ${where}`);
    }
    await closeOn(hub, seat2, seat2Id, 0);
    for (const [i, { where, list }] of observers().entries()) {
      await waitFor(() => of(list, seat2Id).length === before[i]! + 2, 5000, `seat2 offline at ${where}`);
      expect(of(list, seat2Id).slice(before[i]!)).toEqual([true, false]);
    }
    await sleep(SETTLE_MS);
  }

  beforeAll(async () => {
    redis = await startRedis();
    a = await startHub({ listen: true, env: { REDIS_URL: redis.url } });
    b = await startHub({ listen: true, env: { REDIS_URL: redis.url }, dir: a.dir });
    for (const username of ['seat1', 'seat2', 'super1', 'branch1']) ids.set(username, await userIdIn(a.hub.store, username));
    seat1Id = String(idOf('seat1'));
    seat2Id = String(idOf('seat2'));
    seat1Token = await a.login('seat1');
    seat2Token = await b.login('seat2');

    const sup = await connect(b, await b.login('super1'));
    onB = collectEvents(sup, 'seat:presence');
    const branch = await connect(a, await a.login('branch1'));
    onA = collectEvents(branch, 'seat:presence');

    // Ready once each instance's socket lookups reach the other: both subscribers are subscribed.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [seenFromA, seenFromB] = await Promise.all([
        a.hub.io.in(rooms.user(idOf('super1'))).fetchSockets(),
        b.hub.io.in(rooms.user(idOf('branch1'))).fetchSockets(),
      ]);
      if (seenFromA.length === 1 && seenFromB.length === 1) break;
      if (Date.now() > deadline) throw new Error('the instances never saw each other through Redis');
      await sleep(20);
    }
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it("announces seat1's first socket, opened on A, once to the branch on both instances", async () => {
    seat1OnA = await connect(a, seat1Token);
    for (const { where, list } of observers()) await waitFor(() => of(list, seat1Id).length === 1, 5000, `seat1 online at ${where}`);
    await barrier(a);
    for (const { list } of observers()) expect(of(list, seat1Id)).toEqual([true]);
  });

  it('says nothing when seat1 opens a second socket on B while the one on A is open', async () => {
    seat1OnB = await connect(b, seat1Token);
    expect(await localSockets(a, seat1Id)).toHaveLength(1);
    await barrier(b);
    for (const { list } of observers()) expect(of(list, seat1Id)).toEqual([true]);
  });

  it('says nothing when the socket on A closes while the one on B stays', async () => {
    await closeOn(a, seat1OnA, seat1Id, 0);
    expect(await localSockets(b, seat1Id)).toHaveLength(1);
    await barrier(a);
    for (const { list } of observers()) expect(of(list, seat1Id)).toEqual([true]);
  });

  it('announces offline once when the last socket, on B, closes', async () => {
    await closeOn(b, seat1OnB, seat1Id, 0);
    for (const { where, list } of observers()) await waitFor(() => of(list, seat1Id).length === 2, 5000, `seat1 offline at ${where}`);
    // Only B ran a disconnect handler for seat1, so only B could announce a second offline.
    await barrier(b);
    for (const { list } of observers()) expect(of(list, seat1Id)).toEqual([true, false]);
  });

  it('carries the seat id as a string and nothing of a stream position in every announcement', () => {
    for (const { list } of observers()) {
      expect(list.length).toBeGreaterThan(0);
      for (const payload of list) {
        // A hint: exactly these two fields, no cursor to resume from and no seq.
        expect(Object.keys(payload).sort()).toEqual(['custServId', 'online']);
        expect([seat1Id, seat2Id]).toContain(payload.custServId);
        expect(typeof payload.online).toBe('boolean');
      }
    }
    // Both observers saw the same announcements.
    expect(onA).toEqual(onB);
  });
});
