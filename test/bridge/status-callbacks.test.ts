import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCallback } from '../helpers/bridge.js';
import { startFakeBridge, type FakeBridge } from '../helpers/fake-bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, nextEvent, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { messageIn, ownedTargetIn } from '../messages/fixtures.js';

describe('messageStatus, phoneStatus, physicalIp and accounts callbacks', () => {
  let bridge: FakeBridge;
  let t: TestHub;
  let token: string;
  let seat1: ClientSocket;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    bridge = await startFakeBridge((call, n) => ({ status: 200, body: { msgId: `b-${n}` } }));
    t = await startHub({ listen: true, env: { PROTOCOL_URL: bridge.url } });
    token = await t.login('seat1');
    seat1 = await connectSocket(t.url, token);
    sockets.push(seat1);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
    await bridge.close();
  });

  async function sentMessage() {
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    const seen = collectEvents(seat1, 'message:updated');
    const answer = await t.call('POST', '/xd/client/sendMessage', {
      token,
      body: { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'status me', clientMsgId: `s-${Math.random()}` },
    });
    const msgId: string = answer.body.data.msgId;
    await waitFor(() => seen.some((u) => u.msgId === msgId && u.status === 'sent'), 5000, 'accepted');
    return { msgId, phone: target.phone, bridgeMsgId: (await messageIn(t.hub.store, msgId))!.bridgeMsgId! };
  }

  it('moves a sent message forward only, pushing message:updated with a cursor', async () => {
    const m = await sentMessage();
    const updates = collectEvents(seat1, 'message:updated');
    const delivered = await postCallback(t, 'messageStatus', { phone: m.phone, msgId: m.bridgeMsgId, status: 'delivered' });
    expect(delivered).toMatchObject({ status: 200, body: { data: { msgId: m.msgId, status: 'delivered', changed: true, duplicate: false } } });
    const read = await postCallback(t, 'messageStatus', { phone: m.phone, msgId: m.bridgeMsgId, status: 'read' }, { webhookId: 'status-read-1' });
    expect(read.body.data).toMatchObject({ status: 'read', changed: true });
    // Late and repeated reports change nothing.
    const late = await postCallback(t, 'messageStatus', { phone: m.phone, msgId: m.bridgeMsgId, status: 'delivered' });
    expect(late.body.data).toMatchObject({ status: 'read', changed: false, duplicate: false });
    const failedLate = await postCallback(t, 'messageStatus', { phone: m.phone, msgId: m.bridgeMsgId, status: 'failed', reason: 'x' });
    expect(failedLate.body.data).toMatchObject({ status: 'read', changed: false });
    const replay = await postCallback(t, 'messageStatus', { phone: m.phone, msgId: m.bridgeMsgId, status: 'read' }, { webhookId: 'status-read-1' });
    expect(replay.body.data).toMatchObject({ duplicate: true, changed: false });
    await waitFor(() => updates.length >= 2);
    expect(updates.map((u) => [u.msgId, u.status])).toEqual([
      [m.msgId, 'delivered'],
      [m.msgId, 'read'],
    ]);
    expect(updates[1]!.cursor).toBeGreaterThan(updates[0]!.cursor);
    expect((await messageIn(t.hub.store, m.msgId))!.status).toBe('read');
  });

  it('records a failure reason and refuses unknown messages and bad bodies', async () => {
    const m = await sentMessage();
    const pushed = nextEvent(seat1, 'message:updated');
    await postCallback(t, 'messageStatus', { phone: m.phone, msgId: m.bridgeMsgId, status: 'failed', reason: 'number not on WhatsApp' });
    expect(await pushed).toMatchObject({ msgId: m.msgId, status: 'failed', reason: 'number not on WhatsApp' });
    expect((await postCallback(t, 'messageStatus', { phone: m.phone, msgId: 'nope', status: 'sent' })).status).toBe(404);
    const bad = await postCallback(t, 'messageStatus', { phone: m.phone, msgId: m.bridgeMsgId, status: 'recalled' });
    expect(bad).toMatchObject({ status: 400, body: { msg: expect.stringMatching(/status/) } });
    expect((await postCallback(t, 'messageStatus', { phone: m.phone, msgId: m.bridgeMsgId, status: 'sent' }, { unsigned: true })).status).toBe(401);
  });

  it('updates the account status and pushes account:status to the seat and its branch', async () => {
    const branch = await connectSocket(t.url, await t.login('branch1'));
    const seat2 = await connectSocket(t.url, await t.login('seat2'));
    sockets.push(branch, seat2);
    const toSeat2 = collectEvents(seat2, 'account:status');
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    const seatSees = nextEvent(seat1, 'account:status');
    const branchSees = nextEvent(branch, 'account:status');
    const answer = await postCallback(t, 'phoneStatus', { phone: target.phone, status: 'banned', reason: 'spam reports' });
    expect(answer).toMatchObject({ status: 200, body: { data: { accountId: target.accountIdText, status: 'banned', changed: true } } });
    const payload = { accountId: target.accountIdText, phone: target.phone, status: 'banned', reason: 'spam reports' };
    expect(await seatSees).toMatchObject(payload);
    expect(await branchSees).toMatchObject(payload);
    const { accounts } = t.hub.store.tables;
    expect((await t.hub.store.db.select().from(accounts).where(eq(accounts.phone, target.phone)))[0]).toMatchObject({ status: 'banned', statusReason: 'spam reports' });
    // The same status again is no change and no push; seat2 never hears about seat1's account.
    expect((await postCallback(t, 'phoneStatus', { phone: target.phone, status: 'banned', reason: 'spam reports' })).body.data.changed).toBe(false);
    const own = nextEvent(seat2, 'account:status');
    await postCallback(t, 'phoneStatus', { phone: (await ownedTargetIn(t.hub.store, 'seat2')).phone, status: 'loginRequired' });
    await own;
    expect(toSeat2).toHaveLength(1);
    expect((await postCallback(t, 'phoneStatus', { phone: '+10000000000', status: 'online' })).status).toBe(404);
    expect((await postCallback(t, 'phoneStatus', { phone: target.phone, status: 'sleepy' })).body.msg).toMatch(/status/);
  });

  it('serves proxies to the signed bridge only', async () => {
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    const proxy = await postCallback(t, 'physicalIp', { phone: target.phone });
    expect(proxy).toMatchObject({ status: 200, body: { data: { host: expect.any(String), port: 10801, protocol: 'socks5', username: expect.any(String), password: expect.any(String) } } });
    expect((await postCallback(t, 'physicalIp', { phone: target.phone }, { unsigned: true })).status).toBe(401);
    expect((await postCallback(t, 'physicalIp', { phone: '+10000000000' })).status).toBe(404);
    const list = await postCallback(t, 'accounts', {});
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(4);
    expect(list.body.data[0]).toMatchObject({ accountId: expect.stringMatching(/^\d+$/), phone: '+8613800000001', proxy: { host: '127.0.0.1', port: 10801 } });
    expect((await postCallback(t, 'accounts', {}, { unsigned: true })).status).toBe(401);
  });
});
