import { and, count, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBridge, type FakeBridge } from '../helpers/fake-bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { realtimeSetups, type RealtimeEnv } from '../helpers/setups.js';
import { connectSocket, emitWithAck, nextEvent, waitFor, collectEvents, type ClientSocket } from '../helpers/sockets.js';
import { conversationIn, eventually, messageIn, ownedTargetIn } from './fixtures.js';

let seq = 0;
const clientMsgId = () => `c-${Date.now()}-${++seq}`;

describe.each(realtimeSetups)('sending through the sandbox bridge ($name)', (setup) => {
  let env: RealtimeEnv;
  let t: TestHub;
  let seat1: ClientSocket;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    env = await setup.start();
    t = env.t;
    seat1 = await connectSocket(env.socketUrl, await t.login('seat1'));
    sockets.push(seat1);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await env.close();
  });

  it('acks pending, pushes the reply, then moves it to sent and delivered through the status path', async () => {
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    const updates = collectEvents(seat1, 'message:updated');
    const echoed = nextEvent(seat1, 'message:new');
    const ack = await emitWithAck(seat1, 'message:send', { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'hello there', clientMsgId: clientMsgId() });
    expect(ack).toMatchObject({ code: 200, data: { status: 'pending' } });
    const msgId = ack.data!.msgId;
    expect((await echoed).message).toMatchObject({ msgId, sender: 0, status: 'pending', content: 'hello there' });
    await waitFor(() => updates.some((u) => u.msgId === msgId && u.status === 'delivered'), 5000, 'delivered');
    const mine = updates.filter((u) => u.msgId === msgId);
    expect(mine.map((u) => u.status)).toEqual(['sent', 'delivered']);
    expect(mine[1]!.cursor).toBeGreaterThan(mine[0]!.cursor);
    expect((await messageIn(t.hub.store, msgId))).toMatchObject({ status: 'delivered', sender: 0, content: 'hello there' });
    expect((await conversationIn(t.hub.store, target.targetId)).lastContent).toBe('hello there');
  });

  it('lets only the owning seat send, through the account of the target', async () => {
    const store = t.hub.store;
    const { accounts, conversations, messages } = store.tables;
    const target = await ownedTargetIn(store, 'seat1');
    const body = { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'x', clientMsgId: clientMsgId() };
    const seat2Token = await t.login('seat2');
    const seat2 = await connectSocket(env.socketUrl, seat2Token);
    sockets.push(seat2);
    expect(await emitWithAck(seat2, 'message:send', body)).toMatchObject({ code: 403 });
    expect((await t.call('POST', '/xd/client/sendMessage', { token: seat2Token, body })).status).toBe(403);
    const supToken = await t.login('super1');
    const sup = await connectSocket(env.socketUrl, supToken);
    sockets.push(sup);
    expect(await emitWithAck(sup, 'message:send', body)).toMatchObject({ code: 403 });
    expect((await t.call('POST', '/xd/client/sendMessage', { token: supToken, body })).status).toBe(403);
    // Another of seat1's accounts is not this target's account; seat2's account is not seat1's at all.
    const [second] = await store.db.select({ id: accounts.id }).from(accounts).where(and(eq(accounts.seatId, target.seatId), ne(accounts.id, target.accountId)));
    expect(await emitWithAck(seat1, 'message:send', { ...body, accountId: String(second!.id) })).toMatchObject({ code: 400, msg: expect.stringMatching(/receId/) });
    const other = await ownedTargetIn(t.hub.store, 'seat2');
    expect(await emitWithAck(seat1, 'message:send', { ...body, accountId: other.accountIdText })).toMatchObject({ code: 403, msg: expect.stringMatching(/accountId/) });
    expect(await emitWithAck(seat1, 'message:send', { ...body, receId: '999999' })).toMatchObject({ code: 404 });
    expect(await emitWithAck(seat1, 'message:send', { ...body, content: '' })).toMatchObject({ code: 400, msg: expect.stringMatching(/content/) });
    expect((await store.db.select({ n: count() }).from(messages).where(eq(messages.clientMsgId, body.clientMsgId)))[0]!.n).toBe(0);

    // After a transfer the receiving seat replies through the same account; the giver may not.
    const seat2Target = await ownedTargetIn(t.hub.store, 'seat1', 'Maria Silva');
    await store.db.update(conversations).set({ seatId: other.seatId }).where(eq(conversations.targetId, seat2Target.targetId));
    const transferred = { accountId: seat2Target.accountIdText, receId: seat2Target.receId, contentType: '1', content: 'from seat2', clientMsgId: clientMsgId() };
    expect(await emitWithAck(seat2, 'message:send', transferred)).toMatchObject({ code: 200 });
    expect(await emitWithAck(seat1, 'message:send', { ...transferred, clientMsgId: clientMsgId() })).toMatchObject({ code: 403 });
  });
});

describe('sending through an HTTP bridge', () => {
  let bridge: FakeBridge;
  let mode: 'ok' | 'fail' | 'reject' = 'ok';
  let t: TestHub;
  let token: string;
  beforeAll(async () => {
    bridge = await startFakeBridge((call, n) => {
      if (call.path !== '/send') return { status: 200 };
      if (mode === 'fail') return { status: 502, body: { error: 'upstream down' } };
      if (mode === 'reject') return { status: 422, body: { error: 'bad number' } };
      return { status: 200, body: { msgId: `bridge-${n}` } };
    });
    t = await startHub({ listen: true, env: { PROTOCOL_URL: bridge.url } });
    token = await t.login('seat1');
  });
  afterAll(async () => {
    await t.close();
    await bridge.close();
  });

  it('answers a repeated clientMsgId with the first answer and sends once', async () => {
    mode = 'ok';
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    const body = { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'once', clientMsgId: clientMsgId() };
    const socket = await connectSocket(t.url, token);
    const first = await t.call('POST', '/xd/client/sendMessage', { token, body });
    expect(first).toMatchObject({ status: 200, body: { data: { status: 'pending' } } });
    const again = await emitWithAck(socket, 'message:send', body);
    expect(again.data!.msgId).toBe(first.body.data.msgId);
    const third = await t.call('POST', '/xd/client/sendMessage', { token, body: { ...body, content: 'changed' } });
    expect(third.body.data.msgId).toBe(first.body.data.msgId);
    await eventually(async () => (await messageIn(t.hub.store, first.body.data.msgId))?.status === 'sent', 5000, 'sent');
    const sends = bridge.calls.filter((c) => c.path === '/send' && c.body.clientMsgId === body.clientMsgId);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.body).toMatchObject({ phone: target.phone, to: target.platformUid, content: 'once', contentType: '1' });
    expect((await messageIn(t.hub.store, first.body.data.msgId))!.bridgeMsgId).toMatch(/^bridge-/);
    socket.close();
  });

  it('retries a failing bridge with backoff and ends failed with the reason', async () => {
    mode = 'fail';
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    const socket = await connectSocket(t.url, token);
    const updates = collectEvents(socket, 'message:updated');
    const body = { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'doomed', clientMsgId: clientMsgId() };
    const sent = await t.call('POST', '/xd/client/sendMessage', { token, body });
    const msgId = sent.body.data.msgId;
    await waitFor(() => updates.some((u) => u.msgId === msgId), 10_000, 'failed');
    const update = updates.find((u) => u.msgId === msgId)!;
    expect(update).toMatchObject({ status: 'failed', reason: expect.stringMatching(/502/) });
    expect(bridge.calls.filter((c) => c.path === '/send' && c.body.clientMsgId === body.clientMsgId)).toHaveLength(4);
    expect((await messageIn(t.hub.store, msgId))).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/upstream down/) });
    socket.close();
  });

  it('does not retry a send the bridge refused', async () => {
    mode = 'reject';
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    const body = { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'refused', clientMsgId: clientMsgId() };
    const sent = await t.call('POST', '/xd/client/sendMessage', { token, body });
    await eventually(async () => (await messageIn(t.hub.store, sent.body.data.msgId))?.status === 'failed', 5000, 'failed');
    expect(bridge.calls.filter((c) => c.path === '/send' && c.body.clientMsgId === body.clientMsgId)).toHaveLength(1);
    const { messages } = t.hub.store.tables;
    const stored = await t.hub.store.db.select().from(messages).where(eq(messages.clientMsgId, body.clientMsgId));
    expect(stored).toHaveLength(1);
  });

  it('relays relogin for the owning seat and the branch, not for another seat', async () => {
    mode = 'ok';
    const own = await ownedTargetIn(t.hub.store, 'seat1');
    const other = await ownedTargetIn(t.hub.store, 'seat2');
    const ok = await t.call('POST', '/xd/protocol/relogin', { token, body: { accountId: own.accountIdText } });
    expect(ok).toMatchObject({ status: 200, body: { data: { requested: true } } });
    const { path, body } = bridge.calls.at(-1)!;
    expect({ path, body }).toEqual({ path: '/relogin', body: { phone: own.phone } });
    expect((await t.call('POST', '/xd/protocol/relogin', { token, body: { accountId: other.accountIdText } })).status).toBe(403);
    const branch = await t.login('branch1');
    expect((await t.call('POST', '/xd/protocol/relogin', { token: branch, body: { accountId: other.accountIdText } })).status).toBe(200);
    expect((await t.call('POST', '/xd/protocol/relogin', { body: { accountId: other.accountIdText } })).status).toBe(401);
    expect((await t.call('POST', '/xd/protocol/relogin', { token, body: { accountId: 'x' } })).status).toBe(400);
  });
});
