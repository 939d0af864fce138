// The Evolution API driver end to end: a fake Evolution API speaking its documented REST API
// and webhook format, a real hub, real sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { shanghaiDay } from '../helpers/fake-http.js';
import {
  EVOLUTION_API_KEY,
  EVOLUTION_SECRET,
  evolutionEnvelope,
  evolutionJwt,
  evolutionMessage,
  postEvolution,
  QR_DATA_URL,
  startFakeEvolution,
  type FakeEvolution,
} from '../helpers/fake-evolution.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, emitWithAck, nextEvent, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { messageIn, ownedTargetIn } from '../messages/fixtures.js';

describe('Evolution API driver', () => {
  let evo: FakeEvolution;
  let t: TestHub;
  let seatToken: string;
  let seat1: ClientSocket;
  let branch: ClientSocket;
  let account: { id: string; phone: string; instance: string };
  const sockets: ClientSocket[] = [];
  const messageCount = async () => (await t.hub.store.db.select({ n: count() }).from(t.hub.store.tables.messages))[0]!.n;

  beforeAll(async () => {
    evo = await startFakeEvolution();
    t = await startHub({
      listen: true,
      env: { BRIDGE_DRIVER: 'evolution', EVOLUTION_URL: evo.url, EVOLUTION_API_KEY, EVOLUTION_WEBHOOK_SECRET: EVOLUTION_SECRET },
    });
    seatToken = await t.login('seat1');
    seat1 = await connectSocket(t.url, seatToken);
    branch = await connectSocket(t.url, await t.login('branch1'));
    sockets.push(seat1, branch);
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    account = { id: target.accountIdText, phone: target.phone, instance: target.phone.replace(/\D/g, '') };
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
    await evo.close();
  });

  it('takes an inbound text to the seat socket and its history, once however often it is delivered', async () => {
    const jid = '5511980000001@s.whatsapp.net';
    const sentAt = Math.floor(Date.now() / 1000) - 45;
    const data = evolutionMessage({ id: '3EB0IN1', jid, text: 'Quanto custa?', name: 'Rafael', timestampS: sentAt });
    const pushed = nextEvent(seat1, 'message:new');
    const first = await postEvolution(t.url, evolutionEnvelope(account.instance, 'messages.upsert', data));
    expect(first).toMatchObject({ status: 200, body: { data: { event: 'messages.upsert', handled: true, duplicate: false } } });
    const event = await pushed;
    expect(event).toMatchObject({ accountId: account.id, receName: 'Rafael', message: { content: 'Quanto custa?', sender: 1, sendTimeMs: sentAt * 1000 } });

    const before = await messageCount();
    const again = await postEvolution(t.url, evolutionEnvelope(account.instance, 'messages.upsert', data), { jwt: evolutionJwt(EVOLUTION_SECRET) });
    expect(again.body.data).toMatchObject({ handled: true, duplicate: true, msgId: first.body.data.msgId });
    expect(await messageCount()).toBe(before);

    const history = await t.call('POST', '/xd/client/retrievePastRecords', {
      token: seatToken,
      body: { custServId: String((await ownedTargetIn(t.hub.store, 'seat1')).seatId), receId: event.receId, oocDate: shanghaiDay(sentAt * 1000), pageNo: 1, pageSize: 10 },
    });
    expect(history.body.data.contGroups).toMatchObject([{ content: 'Quanto custa?', sender: 1, sendTimeMs: sentAt * 1000 }]);
  });

  it('stores an image with its caption and fetches the original once through getBase64FromMediaMessage', async () => {
    const pushed = nextEvent(seat1, 'message:new');
    // "Webhook by events" posts to /evolution/<event-name>.
    const answer = await postEvolution(t.url, evolutionEnvelope(account.instance, 'messages.upsert', evolutionMessage({ id: '3EB0IMG1', jid: '5511980000002@s.whatsapp.net', image: { caption: 'olha' } })), { path: '/messages-upsert' });
    expect(answer.status).toBe(200);
    expect((await pushed).message).toMatchObject({ contentType: '2', content: 'olha' });
    const ask = () => t.call('POST', '/xd/client/originalImage', { token: seatToken, body: { msgId: answer.body.data.msgId } });
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    const fetched = evo.calls.filter((c) => c.path.startsWith('/chat/getBase64FromMediaMessage/'));
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatchObject({ path: `/chat/getBase64FromMediaMessage/${account.instance}`, headers: { apikey: EVOLUTION_API_KEY }, body: { message: { key: { id: '3EB0IMG1' } } } });
  });

  it('stores a message written on the phone (fromMe) as outbound', async () => {
    const pushed = nextEvent(seat1, 'message:new');
    const answer = await postEvolution(t.url, evolutionEnvelope(account.instance, 'messages.upsert', evolutionMessage({ id: '3EB0OUT1', jid: '5511980000003@s.whatsapp.net', fromMe: true, text: 'do celular' })));
    const event = await pushed;
    expect(event.message).toMatchObject({ sender: 0, content: 'do celular' });
    // Evolution names the account's own side "Você": never a target's name.
    expect(event.receName).toBe('');
    expect(await messageIn(t.hub.store, answer.body.data.msgId)).toMatchObject({ sender: 0, bridgeMsgId: '3EB0OUT1' });
    // send.message echoes a send through Evolution's API, the hub's own reply: not stored again.
    const before = await messageCount();
    const echo = await postEvolution(t.url, evolutionEnvelope(account.instance, 'send.message', evolutionMessage({ id: '3EB0OUT2', jid: '5511980000003@s.whatsapp.net', fromMe: true, text: 'from the hub' })));
    expect(echo.body.data).toMatchObject({ handled: false, ignored: 'sent through the API' });
    expect(await messageCount()).toBe(before);
  });

  it('names a target by its phone jid when WhatsApp addresses it by a privacy id (lid)', async () => {
    const data = evolutionMessage({ id: '3EB0LID1', jid: '201234567890123@lid', text: 'oi', name: 'Lia' });
    const pushed = nextEvent(seat1, 'message:new');
    await postEvolution(t.url, evolutionEnvelope(account.instance, 'messages.upsert', { ...data, key: { ...data.key, addressingMode: 'lid', remoteJidAlt: '5511980000005@s.whatsapp.net' } }));
    const { receId } = await pushed;
    const { targets } = t.hub.store.tables;
    const [target] = await t.hub.store.db.select({ uid: targets.platformUid }).from(targets).where(eq(targets.id, Number(receId)));
    expect(target?.uid).toBe('5511980000005@s.whatsapp.net');
  });

  it("sends a seat's reply with the apikey and moves it pending → sent → delivered → read on messages.update", async () => {
    const jid = '5511980000004@s.whatsapp.net';
    const inbound = nextEvent(seat1, 'message:new');
    await postEvolution(t.url, evolutionEnvelope(account.instance, 'messages.upsert', evolutionMessage({ id: '3EB0IN4', jid, text: 'oi' })));
    const { receId } = await inbound;

    const updates = collectEvents(seat1, 'message:updated');
    const ack = await emitWithAck(seat1, 'message:send', { accountId: account.id, receId, contentType: '1', content: 'Olá!', clientMsgId: 'evo-reply-1' });
    const msgId = (ack as { data: { msgId: string } }).data.msgId;
    await waitFor(() => updates.some((u) => u.msgId === msgId && u.status === 'sent'), 5000, 'sent');
    expect(evo.calls.find((c) => c.path === `/message/sendText/${account.instance}`)).toMatchObject({ method: 'POST', headers: { apikey: EVOLUTION_API_KEY }, body: { number: '5511980000004', text: 'Olá!' } });
    const keyId = (await messageIn(t.hub.store, msgId))!.bridgeMsgId!;
    expect(keyId).toMatch(/^3EB0SENT/);

    const update = (status: string) => evolutionEnvelope(account.instance, 'messages.update', { keyId, remoteJid: jid, fromMe: true, participant: null, status, instanceId: 'i-1', messageId: 'm-1' });
    expect((await postEvolution(t.url, update('SERVER_ACK'))).body.data).toMatchObject({ status: 'sent' });
    expect((await postEvolution(t.url, update('DELIVERY_ACK'))).body.data).toMatchObject({ status: 'delivered' });
    expect((await postEvolution(t.url, update('READ'))).body.data).toMatchObject({ status: 'read' });
    expect((await postEvolution(t.url, update('DELIVERY_ACK'))).body.data).toMatchObject({ status: 'read' });
    await waitFor(() => updates.filter((u) => u.msgId === msgId).length >= 3, 5000, 'three updates');
    expect(updates.filter((u) => u.msgId === msgId).map((u) => u.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('pushes account:status loginRequired and account:qr on qrcode.updated, online on connection open', async () => {
    const statuses = collectEvents(branch, 'account:status');
    const qr = nextEvent(seat1, 'account:qr');
    const answer = await postEvolution(t.url, evolutionEnvelope(account.instance, 'qrcode.updated', { qrcode: { instance: account.instance, pairingCode: null, code: '2@abc', base64: QR_DATA_URL } }));
    expect(answer.body.data).toMatchObject({ handled: true, status: 'loginRequired' });
    expect(await qr).toMatchObject({ accountId: account.id, qr: QR_DATA_URL });
    await postEvolution(t.url, evolutionEnvelope(account.instance, 'connection.update', { instance: account.instance, wuid: `${account.instance}@s.whatsapp.net`, state: 'open', statusReason: 200 }));
    await postEvolution(t.url, evolutionEnvelope(account.instance, 'connection.update', { instance: account.instance, state: 'close', statusReason: 401 }));
    await waitFor(() => statuses.length >= 3, 5000, 'three statuses');
    expect(statuses.map((s) => [s.status, s.reason])).toEqual([
      ['loginRequired', 'scan the QR code'],
      ['online', null],
      ['loginRequired', 'closed (401)'],
    ]);
  });

  it('restarts the instance on relogin, connects a closed one, and pushes the fresh QR', async () => {
    const qr = nextEvent(seat1, 'account:qr');
    expect((await t.call('POST', '/xd/protocol/relogin', { token: seatToken, body: { accountId: account.id } })).status).toBe(200);
    expect(evo.calls.filter((c) => c.path === `/instance/restart/${account.instance}`)).toHaveLength(1);
    expect((await qr).qr).toBe(QR_DATA_URL);

    evo.states[account.instance] = 'close';
    const connectsBefore = evo.calls.filter((c) => c.path === `/instance/connect/${account.instance}`).length;
    expect((await t.call('POST', '/xd/protocol/relogin', { token: seatToken, body: { accountId: account.id } })).status).toBe(200);
    // One connect instead of the refused restart, one for the QR.
    expect(evo.calls.filter((c) => c.path === `/instance/connect/${account.instance}`).length).toBe(connectsBefore + 2);
    expect((await t.call('POST', '/xd/protocol/relogin', { token: await t.login('seat2'), body: { accountId: account.id } })).status).toBe(403);
  });

  it('refuses a wrong secret, a forged or expired JWT, malformed events and unknown instances, storing nothing', async () => {
    const before = await messageCount();
    const good = evolutionEnvelope(account.instance, 'messages.upsert', evolutionMessage({ id: '3EB0BAD1', jid: '5511980000009@s.whatsapp.net', text: 'x' }));
    expect((await postEvolution(t.url, good, { none: true })).body).toMatchObject({ code: 401, error: 'bad_signature' });
    expect((await postEvolution(t.url, good, { secret: 'wrong-secret-0123456789' })).status).toBe(401);
    expect((await postEvolution(t.url, good, { jwt: evolutionJwt('another-secret-0123456789') })).status).toBe(401);
    expect((await postEvolution(t.url, good, { jwt: evolutionJwt(EVOLUTION_SECRET, Math.floor(Date.now() / 1000) - 3600) })).body).toMatchObject({ code: 401, msg: expect.stringMatching(/expired/) });
    expect((await postEvolution(t.url, good, { jwt: evolutionJwt(EVOLUTION_SECRET, undefined, 'none') })).status).toBe(401);
    expect((await postEvolution(t.url, null, { raw: '{"event":"messages.upsert",' })).body).toMatchObject({ code: 400, error: 'malformed_json' });
    const noKey = { ...good, data: { ...(good.data as Record<string, unknown>), key: undefined } };
    expect((await postEvolution(t.url, noKey)).body).toMatchObject({ code: 400, msg: expect.stringMatching(/^data\.key/) });
    expect((await postEvolution(t.url, { ...good, instance: undefined })).body).toMatchObject({ code: 400, msg: expect.stringMatching(/instance/) });
    expect((await postEvolution(t.url, { ...good, instance: 'ghost' })).body).toMatchObject({ code: 404, msg: expect.stringMatching(/instance/) });
    expect(await messageCount()).toBe(before);
  });

  it('answers events it does not handle 200, and updates of unknown messages without an error', async () => {
    expect((await postEvolution(t.url, evolutionEnvelope(account.instance, 'presence.update', { id: 'x', presences: {} }))).body.data).toMatchObject({ handled: false, ignored: 'unsupported event' });
    expect((await postEvolution(t.url, evolutionEnvelope(account.instance, 'messages.update', { keyId: 'NOPE', fromMe: true, status: 'READ' }))).body.data).toMatchObject({ handled: false });
    const reaction = { ...evolutionMessage({ id: '3EB0R1', jid: '5511980000001@s.whatsapp.net' }), message: { reactionMessage: { text: '👍', key: { id: '3EB0IN1' } } } };
    expect((await postEvolution(t.url, evolutionEnvelope(account.instance, 'messages.upsert', reaction))).body.data).toMatchObject({ handled: false });
  });
});
