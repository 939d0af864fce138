// The whole transfer flow over real sockets: seat1 gives a target to seat2 while seat1, seat2
// and the branch manager are connected.
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccess } from '../../src/access/access.js';
import { createFans } from '../../src/fans/fans.js';
import { rooms } from '../../src/realtime/rooms.js';
import { formatJavaDate } from '../../src/time.js';
import { type TestHub } from '../helpers/hub.js';
import { storeInbound } from '../helpers/inbound-store.js';
import { realtimeSetups, type RealtimeEnv } from '../helpers/setups.js';
import { collectEvents, connectSocket, nextEvent, type ClientSocket } from '../helpers/sockets.js';
import { demoTarget, ownerOf, userId } from './fixtures.js';

const TZ = 'Asia/Shanghai';
const NOW = Date.UTC(2024, 2, 1, 3, 0, 0); // 2024-03-01 11:00 in Shanghai

describe.each(realtimeSetups)('transfer flow with live sockets ($name)', (setup) => {
  let env: RealtimeEnv;
  let t: TestHub;
  const sockets: ClientSocket[] = [];
  beforeEach(async () => {
    env = await setup.start({ clock: { now: () => NOW }, env: { TZ_NAME: TZ } });
    t = env.t;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await env.close();
  });

  it('moves the target to seat2, tells each side, and later inbound messages follow it', async () => {
    const store = t.hub.store;
    const { db, tables } = store;
    const { activity, conversations, messages, transfers } = tables;
    const seat1 = await userId(store, 'seat1');
    const seat2 = await userId(store, 'seat2');
    const target = await demoTarget(store, seat1);
    const historyBefore = (await db.select().from(messages).where(eq(messages.targetId, target.id))).length;
    expect(historyBefore).toBeGreaterThan(0);

    const [seat1Token, seat2Token, branchToken] = await Promise.all([t.login('seat1'), t.login('seat2'), t.login('branch1')]);
    const [s1, s2, b1] = await Promise.all([connectSocket(env.socketUrl, seat1Token), connectSocket(env.socketUrl, seat2Token), connectSocket(env.socketUrl, branchToken)]);
    sockets.push(s1, s2, b1);
    const s1In = collectEvents(s1, 'transfer:in');
    const s2Out = collectEvents(s2, 'transfer:out');
    const s1Messages = collectEvents(s1, 'message:new');

    // Before: seat2 may not see seat1's target.
    expect((await t.call('POST', '/xd/client/transferSource', { token: seat2Token, body: { receId: String(target.id) } })).status).toBe(403);

    const incoming = nextEvent(s2, 'transfer:in');
    const outgoing = nextEvent(s1, 'transfer:out');
    const branchEvent = nextEvent(b1, 'transfer');
    const res = await t.call('POST', '/xd/client/transfer', {
      token: seat1Token,
      body: { receId: String(target.id), toCustServId: String(seat2), reason: '  客户要求中文服务 ' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: 200, msg: '操作成功', data: { transferId: expect.stringMatching(/^[1-9]\d*$/) } });
    const transferId = res.body.data.transferId as string;

    const expected = {
      transferId,
      receId: String(target.id),
      receName: '曾林',
      fromCustServId: String(seat1),
      toCustServId: String(seat2),
      reason: '客户要求中文服务',
    };
    const [inPayload, outPayload, branchPayload] = await Promise.all([incoming, outgoing, branchEvent]);
    expect(inPayload).toMatchObject(expected);
    expect(outPayload).toMatchObject(expected);
    expect(branchPayload).toMatchObject(expected);
    expect(inPayload.cursor).not.toBe(outPayload.cursor);
    expect(branchPayload.cursor).toBe(Math.max(inPayload.cursor, outPayload.cursor));

    // Stored: the owner moved, the record names who/from/to/why/when, each seat got an activity
    // row with the cursor it was pushed, and the history stayed with the target.
    expect(await ownerOf(store, target.id)).toBe(seat2);
    const record = (await db.select().from(transfers).where(eq(transfers.id, Number(transferId))))[0];
    expect(record).toMatchObject({ targetId: target.id, fromSeatId: seat1, toSeatId: seat2, byUserId: seat1, reason: '客户要求中文服务', createdAt: NOW });
    const rows = await db.select().from(activity).where(eq(activity.targetId, target.id));
    expect(rows).toContainEqual(expect.objectContaining({ cursor: inPayload.cursor, seatId: seat2, kind: 'transfer:in' }));
    expect(rows).toContainEqual(expect.objectContaining({ cursor: outPayload.cursor, seatId: seat1, kind: 'transfer:out' }));
    const conversation = (await db.select().from(conversations).where(eq(conversations.targetId, target.id)))[0]!;
    expect(conversation.lastCursor).toBe(inPayload.cursor);
    expect(await db.select().from(messages).where(eq(messages.targetId, target.id))).toHaveLength(historyBefore);

    // The receiver learns who gave it the target, why and when.
    const source = await t.call('POST', '/xd/client/transferSource', { token: seat2Token, body: { receId: String(target.id) } });
    expect(source.status).toBe(200);
    expect(source.body.data).toEqual({
      fromCustServId: String(seat1),
      fromName: '坐席一',
      reason: '客户要求中文服务',
      transferTime: formatJavaDate(NOW, TZ),
      transferTimeMs: NOW,
    });
    expect(source.body.data.transferTime).toBe('Fri Mar 01 11:00:00 CST 2024');

    // The giver is refused from now on.
    expect((await t.call('POST', '/xd/client/transferSource', { token: seat1Token, body: { receId: String(target.id) } })).status).toBe(403);
    const again = await t.call('POST', '/xd/client/transfer', { token: seat1Token, body: { receId: String(target.id), toCustServId: String(seat2) } });
    expect(again.status).toBe(403);
    expect(again.body.msg).toMatch(/receId/);

    // A later inbound message is stored under seat2 and pushed (as the hot path does) to the owner only.
    const stored = await storeInbound(
      store,
      { phone: target.phone, msgId: 'after-transfer', direction: 'in', from: { id: target.platformUid }, contentType: '1', content: '还在吗', sendTime: NOW + 1000 },
      { tzName: TZ, now: NOW + 1000 },
    );
    if (stored.duplicate) throw new Error('unexpected duplicate');
    expect(stored.seatId).toBe(seat2);
    expect(stored.newFan).toBeNull();
    const after = (await db.select().from(conversations).where(eq(conversations.targetId, target.id)))[0]!;
    expect(after).toMatchObject({ seatId: seat2, lastMessageId: stored.messageId, lastCursor: stored.cursor, unreadCount: conversation.unreadCount + 1 });
    expect((await db.select().from(activity).where(and(eq(activity.cursor, stored.cursor))))[0]).toMatchObject({ seatId: seat2, targetId: target.id });
    const pushed = nextEvent(s2, 'message:new');
    t.hub.io.to(rooms.seat(stored.seatId!)).emit('message:new', {
      accountId: String(stored.accountId),
      receId: String(stored.target.id),
      receName: stored.target.name,
      convType: stored.target.convType,
      message: { msgId: String(stored.messageId), contentType: '1', content: '还在吗', sendTime: formatJavaDate(NOW + 1000, TZ), sendTimeMs: NOW + 1000, sender: 1, contReadState: '0', status: 'received' },
      cursor: stored.cursor,
      custServId: String(stored.seatId),
      seq: stored.seq!,
    });
    expect((await pushed).message.content).toBe('还在吗');

    // Flush: one more push to each seat proves nothing else was queued before it.
    const fans = createFans({ store: t.hub.store, access: createAccess(t.hub.store), io: t.hub.io, clock: { now: () => NOW }, tzName: TZ });
    const flush1 = nextEvent(s1, 'fans:count');
    const flush2 = nextEvent(s2, 'fans:count');
    await fans.announce(seat1, '2024-03-01');
    await fans.announce(seat2, '2024-03-01');
    await Promise.all([flush1, flush2]);
    expect(s1In).toHaveLength(0);
    expect(s2Out).toHaveLength(0);
    expect(s1Messages).toHaveLength(0);
  });

  it('lists the seats to transfer to with their live online state', async () => {
    const store = t.hub.store;
    const seat2 = await userId(store, 'seat2');
    const seat1Token = await t.login('seat1');
    const offline = await t.call('GET', '/xd/client/transferSeats?name=', { token: seat1Token });
    expect(offline.body.data).toEqual([{ custServId: String(seat2), name: '坐席二', username: 'seat2', online: false }]);

    const s2 = await connectSocket(env.socketUrl, await t.login('seat2'));
    sockets.push(s2);
    const online = await t.call('GET', '/xd/client/transferSeats', { token: seat1Token });
    expect(online.body.data).toEqual([{ custServId: String(seat2), name: '坐席二', username: 'seat2', online: true }]);

    // A branch manager's own socket in the branch room does not make any seat online.
    s2.close();
    const b1 = await connectSocket(env.socketUrl, await t.login('branch1'));
    sockets.push(b1);
    await expect.poll(async () => (await t.call('GET', '/xd/client/transferSeats', { token: seat1Token })).body.data[0].online).toBe(false);
  });
});
