// fans:count pushes: after a first-seen target (as the hot path will announce it) and after a
// manual correction, to the seat room and the branch room, with a cursor and the seat's seq.
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccess } from '../../src/access/access.js';
import { createFans } from '../../src/fans/fans.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { storeInbound } from '../helpers/inbound-store.js';
import { collectEvents, connectSocket, nextEvent, type ClientSocket } from '../helpers/sockets.js';
import { accountOf, userId } from '../transfers/fixtures.js';

const TZ = 'Asia/Shanghai';
const NOW = Date.UTC(2024, 2, 1, 3, 0, 0); // 2024-03-01 11:00 in Shanghai
const clock = { now: () => NOW };

describe('fans:count pushes', () => {
  let t: TestHub;
  const sockets: ClientSocket[] = [];
  beforeEach(async () => {
    t = await startHub({ listen: true, clock, env: { TZ_NAME: TZ } });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t.close();
  });

  async function connectAll() {
    const [a, b, c] = await Promise.all(['seat1', 'seat2', 'branch1'].map((u) => t.login(u)));
    const [s1, s2, b1] = await Promise.all([connectSocket(t.url, a!), connectSocket(t.url, b!), connectSocket(t.url, c!)]);
    sockets.push(s1, s2, b1);
    return { s1, s2, b1, seat1Token: a!, branchToken: c! };
  }

  it('announces a first-seen target to the seat and its branch', async () => {
    const store = t.hub.store;
    const { db, tables } = store;
    const { activity } = tables;
    const seat1 = await userId(store, 'seat1');
    const { s1, s2, b1 } = await connectAll();
    const seat2Fans = collectEvents(s2, 'fans:count');
    const fans = createFans({ store: t.hub.store, access: createAccess(t.hub.store), io: t.hub.io, clock, tzName: TZ });

    const stored = await storeInbound(
      store,
      { phone: '+8613800000002', msgId: 'first', direction: 'in', from: { id: 'wa-new', name: 'New' }, contentType: '1', content: 'hi', sendTime: NOW },
      { tzName: TZ, now: NOW },
    );
    if (stored.duplicate || !stored.newFan) throw new Error('expected a first-seen target');
    expect(stored.newFan).toEqual({ seatId: seat1, day: '2024-03-01' });

    const toSeat = nextEvent(s1, 'fans:count');
    const toBranch = nextEvent(b1, 'fans:count');
    // The message kept the number after its own for this push.
    await fans.announce(stored.newFan.seatId, stored.newFan.day, { cursor: stored.cursor, seq: stored.seq! + 1 });
    // Two demo targets were seeded today for seat1, plus this one.
    const expected = { custServId: String(seat1), date: '2024-03-01', count: 3, cursor: stored.cursor, seq: stored.seq! + 1 };
    expect(await toSeat).toEqual(expected);
    expect(await toBranch).toEqual(expected);

    // Without a place the announcement records its own activity: the seat's next number.
    const again = nextEvent(s1, 'fans:count');
    await fans.announce(seat1, '2024-03-01');
    const announced = await again;
    expect(announced.seq).toBe(stored.seq! + 2);
    expect((await db.select().from(activity).where(eq(activity.cursor, announced.cursor)))[0]).toMatchObject({ seatId: seat1, kind: 'fans', seq: stored.seq! + 2 });

    // A second message from the same target is no new fan.
    const next = await storeInbound(
      store,
      { phone: '+8613800000002', msgId: 'second', direction: 'in', from: { id: 'wa-new' }, contentType: '1', content: 'hi', sendTime: NOW + 1 },
      { tzName: TZ, now: NOW },
    );
    expect(!next.duplicate && next.newFan).toBeNull();
    // Flush seat2's socket with its own push: it saw nothing of seat1's.
    const own = nextEvent(s2, 'fans:count');
    await fans.announce(await userId(store, 'seat2'), '2024-03-01');
    expect((await own).custServId).toBe(String(await userId(store, 'seat2')));
    expect(seat2Fans).toHaveLength(1);
  });

  it('pushes a manual correction with the cursor it was stored with', async () => {
    const store = t.hub.store;
    const { db, tables } = store;
    const { activity, fanEvents } = tables;
    const seat1 = await userId(store, 'seat1');
    const { s1, b1, seat1Token } = await connectAll();
    const accountId = await accountOf(store, '+8613800000002');
    const toSeat = nextEvent(s1, 'fans:count');
    const toBranch = nextEvent(b1, 'fans:count');
    const res = await t.call('POST', '/xd/client/fans', { token: seat1Token, body: { accountId: String(accountId), delta: 2, reason: '线下加粉' } });
    expect(res).toMatchObject({ status: 200, body: { code: 200, data: { date: '2024-03-01', count: 4 } } });
    const pushed = await toSeat;
    expect(pushed).toMatchObject({ custServId: String(seat1), date: '2024-03-01', count: 4 });
    expect(await toBranch).toEqual(pushed);
    expect((await db.select().from(activity).where(eq(activity.cursor, pushed.cursor)))[0]).toMatchObject({ seatId: seat1, kind: 'fans', seq: pushed.seq });
    expect((await db.select().from(fanEvents).where(and(eq(fanEvents.seatId, seat1), eq(fanEvents.delta, 2))))[0]).toMatchObject({
      accountId,
      day: '2024-03-01',
      reason: '线下加粉',
      byUserId: seat1,
      targetId: null,
      createdAt: NOW,
    });
  });
});
