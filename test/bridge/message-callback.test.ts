import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback, signedHeaders } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, nextEvent, waitFor, type ClientSocket } from '../helpers/sockets.js';

describe('POST /xd/protocol/messageCallback', () => {
  let t: TestHub;
  let seat1: ClientSocket;
  let seat2: ClientSocket;
  const messageCount = async () => (await t.hub.store.db.select({ n: count() }).from(t.hub.store.tables.messages))[0]!.n;
  const deliveryCount = async () => (await t.hub.store.db.select({ n: count() }).from(t.hub.store.tables.webhookDeliveries))[0]!.n;

  beforeAll(async () => {
    t = await startHub({ listen: true });
    seat1 = await connectSocket(t.url, await t.login('seat1'));
    seat2 = await connectSocket(t.url, await t.login('seat2'));
  });
  afterAll(async () => {
    seat1.close();
    seat2.close();
    await t.close();
  });

  it('stores a signed callback and pushes it to the owning seat only', async () => {
    const toSeat2 = collectEvents(seat2, 'message:new');
    const pushed = nextEvent(seat1, 'message:new');
    const body = inboundMessage({ content: '你好', from: { id: 'wa-1', name: '曾林', convType: 'biDirFriend' } });
    const answer = await postCallback(t, 'messageCallback', body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 200, data: { duplicate: false } });
    expect(answer.body.data.msgId).toMatch(/^[1-9][0-9]*$/);
    expect(answer.body.data.receId).toMatch(/^[1-9][0-9]*$/);
    const event = await pushed;
    expect(event).toMatchObject({
      receId: answer.body.data.receId,
      receName: '曾林',
      convType: 'biDirFriend',
      message: { msgId: answer.body.data.msgId, content: '你好', sender: 1, contReadState: '0', status: 'received', sendTimeMs: body.sendTime },
    });
    expect(event.message.sendTime).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} CST \d{4}$/);
    expect(event.cursor).toBeGreaterThan(0);

    // seat2's own message arrives after: if seat1's had leaked to seat2 it would be there first.
    const own = nextEvent(seat2, 'message:new');
    await postCallback(t, 'messageCallback', inboundMessage({ phone: '+8613800000003' }));
    await own;
    expect(toSeat2.map((e) => e.message.content)).not.toContain('你好');
    expect(toSeat2).toHaveLength(1);
  });

  it('answers a replayed webhook-id and a repeated (phone, msgId) with duplicate, changing nothing', async () => {
    const body = inboundMessage();
    const webhookId = 'msg_replay_1';
    const pushes = collectEvents(seat1, 'message:new');
    const first = await postCallback(t, 'messageCallback', body, { webhookId });
    expect(first.body.data.duplicate).toBe(false);
    const before = await messageCount();
    const replay = await postCallback(t, 'messageCallback', body, { webhookId });
    expect(replay.status).toBe(200);
    expect(replay.body.data).toEqual({ ...first.body.data, duplicate: true });
    const sameMsg = await postCallback(t, 'messageCallback', { ...body, content: 'edited' });
    expect(sameMsg.body.data).toEqual({ ...first.body.data, duplicate: true });
    expect(await messageCount()).toBe(before);
    const { messages } = t.hub.store.tables;
    const [stored] = await t.hub.store.db.select().from(messages).where(eq(messages.id, Number(first.body.data.msgId)));
    expect(stored?.content).toBe(body.content);
    // Only the first delivery was pushed: a marker sent after the replays is the second push.
    await postCallback(t, 'messageCallback', inboundMessage({ content: 'marker' }));
    await waitFor(() => pushes.length >= 2);
    expect(pushes.map((p) => p.message.content)).toEqual([body.content, 'marker']);
  });

  it('refuses unsigned, stale, altered and wrongly keyed callbacks with 401 and stores nothing', async () => {
    const pushes = collectEvents(seat1, 'message:new');
    const before = await messageCount();
    const deliveries = await deliveryCount();
    const body = inboundMessage();
    const text = JSON.stringify(body);
    const cases = [
      await postCallback(t, 'messageCallback', body, { unsigned: true }),
      await postCallback(t, 'messageCallback', body, { at: new Date(Date.now() - 6 * 60_000) }),
      await postCallback(t, 'messageCallback', body, { at: new Date(Date.now() + 6 * 60_000) }),
      await postCallback(t, 'messageCallback', body, { secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}` }),
      // Signed for one body, sent with another.
      await postCallback(t, 'messageCallback', body, { raw: text.replace('hello', 'HELLO'), headers: signedHeaders(text) }),
      await postCallback(t, 'messageCallback', body, { headers: { 'webhook-signature': 'v1,AAAA' } }),
    ];
    for (const c of cases) expect(c).toMatchObject({ status: 401, body: { code: 401 } });
    expect(await messageCount()).toBe(before);
    expect(await deliveryCount()).toBe(deliveries);
    // A valid one afterwards is the first push seat1 sees.
    await postCallback(t, 'messageCallback', inboundMessage({ content: 'valid' }));
    await waitFor(() => pushes.length > 0);
    expect(pushes.map((p) => p.message.content)).toEqual(['valid']);
  });

  it('validates the body after the signature: 400 naming the field, 404 for an unknown phone', async () => {
    const bad = await postCallback(t, 'messageCallback', { ...inboundMessage(), sendTime: 'soon' });
    expect(bad).toMatchObject({ status: 400, body: { code: 400 } });
    expect(bad.body.msg).toMatch(/sendTime/);
    const missing = await postCallback(t, 'messageCallback', { ...inboundMessage(), from: {} });
    expect(missing.body.msg).toMatch(/from\.id/);
    const malformed = await postCallback(t, 'messageCallback', null, { raw: '{"phone":' });
    expect(malformed).toMatchObject({ status: 400, body: { msg: 'body: malformed JSON' } });
    const before = await deliveryCount();
    const unknown = await postCallback(t, 'messageCallback', inboundMessage({ phone: '+19999999999' }));
    expect(unknown).toMatchObject({ status: 404, body: { code: 404 } });
    // The rolled-back transaction left the webhook id unclaimed: a retry once the account exists is taken.
    expect(await deliveryCount()).toBe(before);
  });

  it('takes a callback over real HTTP', async () => {
    const answer = await postCallback(null, 'messageCallback', inboundMessage(), { url: t.url });
    expect(answer).toMatchObject({ status: 200, body: { data: { duplicate: false } } });
  });
});
