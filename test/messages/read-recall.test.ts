import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { type TestHub } from '../helpers/hub.js';
import { realtimeSetups, type RealtimeEnv } from '../helpers/setups.js';
import { collectEvents, connectSocket, emitWithAck, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { conversationIn, messageIn, userIdIn } from './fixtures.js';

describe.each(realtimeSetups)('message:read and PUT /xd/client/updateMessage ($name)', (setup) => {
  let env: RealtimeEnv;
  let t: TestHub;
  let token: string;
  let seat1: ClientSocket;
  const sockets: ClientSocket[] = [];
  const unreadInbound = async (targetId: number) => {
    const { messages } = t.hub.store.tables;
    const [row] = await t.hub.store.db
      .select({ n: count() })
      .from(messages)
      .where(and(eq(messages.targetId, targetId), eq(messages.sender, 1), eq(messages.readState, 0)));
    return row!.n;
  };

  beforeAll(async () => {
    env = await setup.start();
    t = env.t;
    token = await t.login('seat1');
    seat1 = await connectSocket(env.socketUrl, token);
    sockets.push(seat1);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await env.close();
  });

  async function freshTarget(n: number) {
    const from = { id: `rr-${Math.random()}`, name: 'Reader' };
    const ids: string[] = [];
    let receId = '';
    for (let i = 0; i < n; i++) {
      const answer = await postCallback(t, 'messageCallback', inboundMessage({ from }));
      ids.push(answer.body.data.msgId);
      receId = answer.body.data.receId;
    }
    return { receId, ids };
  }

  it('marks listed messages, then all, read; keeps unreadCount right and pushes each change', async () => {
    const { receId, ids } = await freshTarget(3);
    expect((await conversationIn(t.hub.store, receId)).unreadCount).toBe(3);
    const updates = collectEvents(seat1, 'message:updated');
    const listed = await t.call('PUT', '/xd/client/updateMessage', { token, body: { receId, msgIds: [ids[0]] } });
    expect(listed).toMatchObject({ status: 200, body: { data: { updated: 1 } } });
    expect((await conversationIn(t.hub.store, receId)).unreadCount).toBe(2);
    const all = await emitWithAck(seat1, 'message:read', { receId });
    expect(all).toMatchObject({ code: 200, data: { updated: 2 } });
    expect((await conversationIn(t.hub.store, receId)).unreadCount).toBe(0);
    expect(await unreadInbound(Number(receId))).toBe(0);
    await waitFor(() => updates.length === 3);
    // Pushes made on two instances may arrive in either order (the REST one crosses Redis); the
    // seat's seq is the order a client goes by.
    const inOrder = [...updates].sort((a, b) => a.seq - b.seq);
    expect(inOrder.map((u) => [u.msgId, u.contReadState])).toEqual(ids.map((id) => [id, '1']));
    expect(inOrder[2]!.cursor).toBeGreaterThan(inOrder[0]!.cursor);
    // Nothing left to read: no change, no push.
    expect(await emitWithAck(seat1, 'message:read', { receId })).toMatchObject({ data: { updated: 0 } });
    // Marking unread again counts again.
    const unread = await t.call('PUT', '/xd/client/updateMessage', { token, body: { receId, msgIds: [ids[2]], contReadState: '0' } });
    expect(unread.body.data.updated).toBe(1);
    expect((await conversationIn(t.hub.store, receId)).unreadCount).toBe(1);
  });

  it('refuses a watching supervisor and another seat, over REST and sockets, changing nothing', async () => {
    const { receId } = await freshTarget(2);
    const supToken = await t.login('super1');
    const sup = await connectSocket(env.socketUrl, supToken);
    const seat2Token = await t.login('seat2');
    const seat2 = await connectSocket(env.socketUrl, seat2Token);
    sockets.push(sup, seat2);
    expect(await emitWithAck(sup, 'watch', { custServId: String(await userIdIn(t.hub.store, 'seat1')) })).toMatchObject({ code: 200 });
    expect(await emitWithAck(sup, 'message:read', { receId })).toMatchObject({ code: 403 });
    expect((await t.call('PUT', '/xd/client/updateMessage', { token: supToken, body: { receId } })).status).toBe(403);
    expect(await emitWithAck(seat2, 'message:read', { receId })).toMatchObject({ code: 403 });
    expect((await t.call('PUT', '/xd/client/updateMessage', { token: seat2Token, body: { receId } })).status).toBe(403);
    expect((await t.call('PUT', '/xd/client/updateMessage', { token: seat2Token, body: { receId, action: 'recall', msgIds: ['1'] } })).status).toBe(403);
    expect((await conversationIn(t.hub.store, receId)).unreadCount).toBe(2);
    expect(await emitWithAck(seat1, 'message:read', { receId: 'abc' } as never)).toMatchObject({ code: 400, msg: expect.stringMatching(/receId/) });
    expect((await t.call('PUT', '/xd/client/updateMessage', { token, body: { receId, action: 'delete' } })).body.msg).toMatch(/action/);
  });

  it("recalls only the seat's own replies", async () => {
    const { receId, ids } = await freshTarget(1);
    const conversation = (await conversationIn(t.hub.store, receId));
    const sent = await t.call('POST', '/xd/client/sendMessage', {
      token,
      body: { accountId: String(conversation.accountId), receId, contentType: '1', content: 'oops', clientMsgId: `r-${Math.random()}` },
    });
    const msgId = sent.body.data.msgId;
    const updates = collectEvents(seat1, 'message:updated');
    // The inbound message is not recallable; the reply is.
    const answer = await t.call('PUT', '/xd/client/updateMessage', { token, body: { receId, action: 'recall', msgIds: [ids[0], msgId] } });
    expect(answer.body.data.updated).toBe(1);
    expect((await messageIn(t.hub.store, msgId))!.status).toBe('recalled');
    expect((await messageIn(t.hub.store, ids[0]!))!.status).toBe('received');
    await waitFor(() => updates.some((u) => u.msgId === msgId && u.status === 'recalled'));
    expect((await t.call('PUT', '/xd/client/updateMessage', { token, body: { receId, action: 'recall' } })).body.msg).toMatch(/msgIds/);
  });
});
