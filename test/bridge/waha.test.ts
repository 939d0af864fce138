// The WAHA driver end to end: a fake WAHA speaking its documented REST API and webhook format,
// a real hub, real sockets.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDay, TINY_PNG } from '../helpers/fake-http.js';
import { postWaha, startFakeWaha, WAHA_API_KEY, WAHA_HMAC_KEY, wahaEnvelope, wahaMessage, type FakeWaha } from '../helpers/fake-waha.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, emitWithAck, nextEvent, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { messageIn, ownedTargetIn } from '../messages/fixtures.js';

describe('WAHA driver', () => {
  let waha: FakeWaha;
  let t: TestHub;
  let seatToken: string;
  let seat1: ClientSocket;
  let branch: ClientSocket;
  let account: { id: string; phone: string; session: string };
  const sockets: ClientSocket[] = [];
  const me = () => `${account.session}@c.us`;
  const messageCount = async () => (await t.hub.store.db.select({ n: count() }).from(t.hub.store.tables.messages))[0]!.n;

  beforeAll(async () => {
    waha = await startFakeWaha();
    t = await startHub({
      listen: true,
      env: { BRIDGE_DRIVER: 'waha', WAHA_URL: waha.url, WAHA_API_KEY, WAHA_WEBHOOK_HMAC_KEY: WAHA_HMAC_KEY },
    });
    seatToken = await t.login('seat1');
    seat1 = await connectSocket(t.url, seatToken);
    branch = await connectSocket(t.url, await t.login('branch1'));
    sockets.push(seat1, branch);
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    account = { id: target.accountIdText, phone: target.phone, session: target.phone.replace(/\D/g, '') };
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
    await waha.close();
  });

  it('takes an inbound text to the seat socket and its history, once however often WAHA repeats it', async () => {
    const chat = '5511990000001@c.us';
    const sentAt = Math.floor(Date.now() / 1000) - 30;
    const payload = wahaMessage({ id: 'IN1', chat, me: me(), body: 'Olá, tem disponível?', name: 'Joana', timestampS: sentAt });
    const pushed = nextEvent(seat1, 'message:new');
    const first = await postWaha(t.url, wahaEnvelope(account.session, 'message', payload));
    expect(first).toMatchObject({ status: 200, body: { data: { event: 'message', handled: true, duplicate: false } } });
    const event = await pushed;
    expect(event).toMatchObject({ accountId: account.id, receName: 'Joana', message: { content: 'Olá, tem disponível?', sender: 1, sendTimeMs: sentAt * 1000, contentType: '1' } });

    // WAHA sends the same message as `message` and `message.any`, and retries deliveries.
    const before = await messageCount();
    const any = await postWaha(t.url, wahaEnvelope(account.session, 'message.any', payload));
    expect(any.body.data).toMatchObject({ handled: true, duplicate: true, msgId: first.body.data.msgId });
    const replayed = wahaEnvelope(account.session, 'message', payload);
    await postWaha(t.url, replayed);
    expect((await postWaha(t.url, replayed)).body.data.duplicate).toBe(true);
    expect(await messageCount()).toBe(before);

    const history = await t.call('POST', '/xd/client/retrievePastRecords', {
      token: seatToken,
      body: { custServId: String((await ownedTargetIn(t.hub.store, 'seat1')).seatId), receId: event.receId, oocDate: shanghaiDay(sentAt * 1000), pageNo: 1, pageSize: 10 },
    });
    expect(history.status).toBe(200);
    expect(history.body.data.receName).toBe('Joana');
    expect(history.body.data.contGroups).toMatchObject([{ content: 'Olá, tem disponível?', sender: 1, sendTimeMs: sentAt * 1000 }]);
  });

  it('stores an image by its WAHA file path and fetches the original once, with the API key', async () => {
    const chat = '5511990000002@c.us';
    const url = `http://localhost:3000/api/files/${account.session}/IMG1.jpeg`;
    const pushed = nextEvent(seat1, 'message:new');
    const answer = await postWaha(t.url, wahaEnvelope(account.session, 'message', wahaMessage({ id: 'IMG1', chat, me: me(), body: 'foto', media: { url, mimetype: 'image/jpeg' } })));
    expect(answer.status).toBe(200);
    expect((await pushed).message).toMatchObject({ contentType: '2', content: 'foto' });
    expect((await messageIn(t.hub.store, answer.body.data.msgId))!.mediaRef).toBe(`/api/files/${account.session}/IMG1.jpeg`);

    const ask = () => t.call('POST', '/xd/client/originalImage', { token: seatToken, body: { msgId: answer.body.data.msgId } });
    const [a, b] = [await ask(), await ask()];
    expect(a.status).toBe(200);
    expect(b.body.data.url).toBe(a.body.data.url);
    const fetched = waha.calls.filter((c) => c.path.startsWith('/api/files/'));
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatchObject({ method: 'GET', path: `/api/files/${account.session}/IMG1.jpeg`, headers: { 'x-api-key': WAHA_API_KEY } });
  });

  it('stores a message written on the phone (fromMe echo) as outbound', async () => {
    const chat = '5511990000003@c.us';
    const pushed = nextEvent(seat1, 'message:new');
    const answer = await postWaha(t.url, wahaEnvelope(account.session, 'message.any', wahaMessage({ id: 'OUT1', chat, me: me(), fromMe: true, body: 'from the phone' })));
    expect(answer.body.data).toMatchObject({ handled: true, duplicate: false });
    expect((await pushed).message).toMatchObject({ sender: 0, content: 'from the phone' });
    expect(await messageIn(t.hub.store, answer.body.data.msgId)).toMatchObject({ sender: 0, bridgeMsgId: `true_${chat}_OUT1` });
    // The echo of a send through WAHA's API is the hub's own reply: not stored again.
    const before = await messageCount();
    const echo = await postWaha(t.url, wahaEnvelope(account.session, 'message.any', wahaMessage({ id: 'OUT2', chat, me: me(), fromMe: true, source: 'api', body: 'from the hub' })));
    expect(echo.body.data).toMatchObject({ handled: false });
    expect(await messageCount()).toBe(before);
  });

  it("sends a seat's reply with the API key and moves it pending → sent → delivered → read on WAHA's acks", async () => {
    const chat = '5511990000004@c.us';
    const inbound = nextEvent(seat1, 'message:new');
    await postWaha(t.url, wahaEnvelope(account.session, 'message', wahaMessage({ id: 'IN4', chat, me: me(), body: 'preço?' })));
    const { receId } = await inbound;

    const updates = collectEvents(seat1, 'message:updated');
    const ack = await emitWithAck(seat1, 'message:send', { accountId: account.id, receId, contentType: '1', content: 'R$ 10', clientMsgId: 'waha-reply-1' });
    expect(ack).toMatchObject({ code: 200, data: { status: 'pending' } });
    const msgId = (ack as { data: { msgId: string } }).data.msgId;
    await waitFor(() => updates.some((u) => u.msgId === msgId && u.status === 'sent'), 5000, 'sent');
    const send = waha.calls.find((c) => c.path === '/api/sendText' && c.body.text === 'R$ 10');
    expect(send).toMatchObject({ method: 'POST', headers: { 'x-api-key': WAHA_API_KEY }, body: { session: account.session, chatId: chat, text: 'R$ 10' } });
    const bridgeMsgId = (await messageIn(t.hub.store, msgId))!.bridgeMsgId!;
    expect(bridgeMsgId).toMatch(/^true_5511990000004@c\.us_SENT/);

    const ackEvent = (ack: number) => wahaEnvelope(account.session, 'message.ack', { id: bridgeMsgId, from: me(), to: chat, participant: null, fromMe: true, ack, ackName: ['', 'SERVER', 'DEVICE', 'READ'][ack] });
    expect((await postWaha(t.url, ackEvent(1))).body.data).toMatchObject({ handled: true, status: 'sent' });
    expect((await postWaha(t.url, ackEvent(2))).body.data).toMatchObject({ handled: true, status: 'delivered' });
    const read = ackEvent(3);
    expect((await postWaha(t.url, read)).body.data).toMatchObject({ handled: true, status: 'read' });
    expect((await postWaha(t.url, read)).body.data).toMatchObject({ duplicate: true });
    // A late ack never moves it back.
    await postWaha(t.url, ackEvent(2));
    await waitFor(() => updates.filter((u) => u.msgId === msgId).length >= 3, 5000, 'three updates');
    expect(updates.filter((u) => u.msgId === msgId).map((u) => u.status)).toEqual(['sent', 'delivered', 'read']);
    expect((await messageIn(t.hub.store, msgId))!.status).toBe('read');
  });

  it('ends a reply WAHA refuses as failed with the reason', async () => {
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    waha.sendAnswers.push({ status: 422, body: { message: 'chatId is not valid' } });
    const updates = collectEvents(seat1, 'message:updated');
    const ack = await emitWithAck(seat1, 'message:send', { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'x', clientMsgId: 'waha-refused-1' });
    const msgId = (ack as { data: { msgId: string } }).data.msgId;
    await waitFor(() => updates.some((u) => u.msgId === msgId), 5000, 'failed');
    expect(updates.find((u) => u.msgId === msgId)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^bridge \/api\/sendText: HTTP 422/) });
  });

  it('pushes account:status loginRequired and account:qr when the session wants a QR scan, online when WORKING', async () => {
    const statuses = collectEvents(branch, 'account:status');
    const qr = nextEvent(seat1, 'account:qr');
    const scan = await postWaha(t.url, wahaEnvelope(account.session, 'session.status', { name: account.session, status: 'SCAN_QR_CODE' }));
    expect(scan.body.data).toMatchObject({ handled: true, status: 'loginRequired' });
    const pushed = await qr;
    expect(pushed).toMatchObject({ accountId: account.id, qr: `data:image/png;base64,${TINY_PNG.toString('base64')}` });
    expect(pushed.expiresAt).toBeGreaterThan(Date.now());
    expect(waha.calls.some((c) => c.path === `/api/${account.session}/auth/qr?format=image` && c.headers['x-api-key'] === WAHA_API_KEY)).toBe(true);

    await postWaha(t.url, wahaEnvelope(account.session, 'session.status', { name: account.session, status: 'WORKING' }));
    await waitFor(() => statuses.length >= 2, 5000, 'two statuses');
    expect(statuses.map((s) => [s.accountId, s.status])).toEqual([
      [account.id, 'loginRequired'],
      [account.id, 'online'],
    ]);
    const { accounts } = t.hub.store.tables;
    const [row] = await t.hub.store.db.select().from(accounts).where(eq(accounts.id, Number(account.id)));
    expect(row!.status).toBe('online');
  });

  it('restarts the session on relogin and pushes the fresh QR; refuses an account that is not yours', async () => {
    const qr = nextEvent(branch, 'account:qr');
    const relogin = await t.call('POST', '/xd/protocol/relogin', { token: seatToken, body: { accountId: account.id } });
    expect(relogin).toMatchObject({ status: 200, body: { data: { requested: true } } });
    expect(waha.calls.filter((c) => c.path === `/api/sessions/${account.session}/restart`)).toHaveLength(1);
    expect((await qr).accountId).toBe(account.id);

    const refused = await t.call('POST', '/xd/protocol/relogin', { token: await t.login('seat2'), body: { accountId: account.id } });
    expect(refused.status).toBe(403);
    expect(waha.calls.filter((c) => c.path === `/api/sessions/${account.session}/restart`)).toHaveLength(1);
  });

  it('refuses bad signatures, stale and malformed events and unknown sessions, storing nothing', async () => {
    const before = await messageCount();
    const good = wahaEnvelope(account.session, 'message', wahaMessage({ id: 'BAD1', chat: '5511990000009@c.us', me: me(), body: 'x' }));
    expect((await postWaha(t.url, good, { unsigned: true })).status).toBe(401);
    expect((await postWaha(t.url, good, { key: 'another-key-0123456789' })).body).toMatchObject({ code: 401, error: 'bad_signature' });
    const stale = { ...good, timestamp: Date.now() - 2 * 60 * 60_000 };
    expect((await postWaha(t.url, stale)).body).toMatchObject({ code: 401, msg: expect.stringMatching(/stale/) });
    expect((await postWaha(t.url, null, { raw: '{"event":' })).body).toMatchObject({ code: 400, error: 'malformed_json' });
    const noId = { ...good, payload: { ...good.payload, id: undefined } };
    expect((await postWaha(t.url, noId)).body).toMatchObject({ code: 400, msg: expect.stringMatching(/^payload\.id/) });
    const badAck = wahaEnvelope(account.session, 'message.ack', { id: 'x', ack: 'READ' });
    expect((await postWaha(t.url, badAck)).body).toMatchObject({ code: 400, msg: expect.stringMatching(/^payload\.ack/) });
    const unknown = await postWaha(t.url, { ...good, session: 'nobody' });
    expect(unknown.body).toMatchObject({ code: 404, msg: expect.stringMatching(/session/) });
    expect(await messageCount()).toBe(before);
  });

  it('answers events it does not handle 200, and acks of unknown messages without an error', async () => {
    const presence = await postWaha(t.url, wahaEnvelope(account.session, 'presence.update', { id: 'x@c.us', presences: [] }));
    expect(presence).toMatchObject({ status: 200, body: { data: { handled: false, ignored: 'unsupported event' } } });
    const ack = await postWaha(t.url, wahaEnvelope(account.session, 'message.ack', { id: 'true_x@c.us_NOPE', fromMe: true, ack: 2 }));
    expect(ack).toMatchObject({ status: 200, body: { data: { handled: false } } });
    const status = await postWaha(t.url, wahaEnvelope(account.session, 'message', wahaMessage({ id: 'ST1', chat: 'status@broadcast', me: me(), body: 'story' })));
    expect(status.body.data).toMatchObject({ handled: false });
  });
  // Runs last: it renames the account's session.
  it("uses an account's own bridge_session, in and out, instead of its phone's digits", async () => {
    const { accounts } = t.hub.store.tables;
    await t.hub.store.db.update(accounts).set({ bridgeSession: 'shop-main' }).where(eq(accounts.id, Number(account.id)));
    const payload = wahaMessage({ id: 'SESS1', chat: '5511990000010@c.us', me: me(), body: 'hi' });
    expect((await postWaha(t.url, wahaEnvelope('shop-main', 'message', payload))).body.data).toMatchObject({ handled: true, duplicate: false });
    expect((await postWaha(t.url, wahaEnvelope(account.session, 'message', payload))).status).toBe(404);
    expect((await t.call('POST', '/xd/protocol/relogin', { token: seatToken, body: { accountId: account.id } })).status).toBe(200);
    expect(waha.calls.some((c) => c.path === '/api/sessions/shop-main/restart')).toBe(true);
  });
});
