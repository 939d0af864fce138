// The organisation built over REST from a bare master, then an account moved live between two
// seats held on two instances that share one SQLite file and one private redis-server.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { collectEvents, connectSocket, emitWithAck, nextEvent, type ClientSocket } from '../helpers/sockets.js';

describe('administration end to end, across two instances', () => {
  let redis: PrivateRedis;
  let a: TestHub;
  let b: TestHub;
  const sockets: ClientSocket[] = [];
  let master: string;
  let branchId: string;
  let managerSocket: ClientSocket;
  let oldSeat: { id: string; token: string; socket: ClientSocket };
  let newSeat: { id: string; token: string; socket: ClientSocket };
  let accountId: string;
  let receId: string;
  const phone = '+8613912345678';
  /** The old seat keeps this one: a push for it proves what reached the old seat before. */
  const markerPhone = '+8613912345679';
  const history = (hub: TestHub, seat: { id: string; token: string }) =>
    hub.call('POST', '/xd/client/retrievePastRecords', { token: seat.token, body: { custServId: seat.id, receId, pageNo: 1, pageSize: 50 } });

  const connect = async (hub: TestHub, token: string) => {
    const socket = await connectSocket(hub.url, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    redis = await startRedis();
    a = await startHub({ listen: true, env: { REDIS_URL: redis.url } });
    b = await startHub({ listen: true, env: { REDIS_URL: redis.url }, dir: a.dir });
    master = await a.login('master');
    // Wait until B hears A through Redis before relying on it.
    const probeToken = await b.login('seat1');
    const probe = await connect(b, probeToken);
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(50);
      const heard = nextEvent(probe, 'message:new', 200).then(() => true, () => false);
      await postCallback(null, 'messageCallback', inboundMessage({ content: 'probe' }), { url: a.url });
      if (await heard) break;
    }
    probe.close();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('lets a master create a branch, its manager, a seat and an account over REST', async () => {
    const branch = await a.call('POST', '/xd/admin/branches', { token: master, body: { name: '东区' } });
    expect(branch.status).toBe(200);
    branchId = branch.body.data.branchId;
    const manager = await a.call('POST', '/xd/admin/users', { token: master, body: { username: 'east.boss', name: '东区分管', password: 'east-boss-1', role: 'branch', branchId } });
    expect(manager.status).toBe(200);
    const boss = await a.login('east.boss', 'east-boss-1');
    managerSocket = await connect(b, boss);
    // The manager adds the seats of its branch itself.
    for (const username of ['east.one', 'east.two']) {
      const seat = await a.call('POST', '/xd/admin/users', { token: boss, body: { username, name: username, password: `${username}-pw`, role: 'seat' } });
      expect(seat.status).toBe(200);
    }
    const ids = (await a.call('GET', `/xd/admin/users?role=seat&branchId=${branchId}&pageSize=10`, { token: master })).body.data.rows;
    const idOf = (username: string) => ids.find((u: any) => u.username === username).userId as string;
    const account = await a.call('POST', '/xd/admin/accounts', { token: master, body: { phone, branchId, seatId: idOf('east.one') } });
    expect(account.status).toBe(200);
    accountId = account.body.data.accountId;
    expect((await a.call('POST', '/xd/admin/accounts', { token: master, body: { phone: markerPhone, branchId, seatId: idOf('east.one') } })).status).toBe(200);

    const oldToken = await a.login('east.one', 'east.one-pw');
    const newToken = await b.login('east.two', 'east.two-pw');
    oldSeat = { id: idOf('east.one'), token: oldToken, socket: await connect(a, oldToken) };
    newSeat = { id: idOf('east.two'), token: newToken, socket: await connect(b, newToken) };
    const listed = await a.call('POST', '/xd/client/getAccounts', { token: oldSeat.token, body: {} });
    expect(listed.body.data.map((x: any) => x.phone)).toEqual([phone, markerPhone]);
    expect((await b.call('POST', '/xd/client/getAccounts', { token: newSeat.token, body: {} })).body.data).toEqual([]);
    // The bridge is told to run it.
    const run = await postCallback(null, 'accounts', {}, { url: a.url });
    expect(run.body.data.map((x: any) => x.phone)).toContain(phone);
  });

  it('pushes a signed callback for the account to its seat', async () => {
    const pushed = nextEvent(oldSeat.socket, 'message:new');
    const answer = await postCallback(null, 'messageCallback', inboundMessage({ phone, from: { id: 'wa-east-1', name: 'East Target' }, content: 'first words' }), { url: a.url });
    expect(answer.status).toBe(200);
    receId = answer.body.data.receId;
    const event = await pushed;
    expect(event).toMatchObject({ accountId, receId, message: { content: 'first words' } });
    // Taken by the other instance, it arrives through Redis.
    const second = nextEvent(oldSeat.socket, 'message:new');
    await postCallback(null, 'messageCallback', inboundMessage({ phone, from: { id: 'wa-east-1' }, content: 'second words' }), { url: b.url });
    expect((await second).message.content).toBe('second words');
    expect((await history(a, oldSeat)).body.data.total).toBe(2);
  });

  it('moves the account live: unassigned on the old seat, assigned on the new one, history follows', async () => {
    const unassigned = nextEvent(oldSeat.socket, 'account:unassigned');
    const assigned = nextEvent(newSeat.socket, 'account:assigned');
    const oldPushes = collectEvents(oldSeat.socket, 'message:new');
    const branchRoom = { gone: nextEvent(managerSocket, 'account:unassigned'), got: nextEvent(managerSocket, 'account:assigned') };
    const moved = await a.call('PUT', `/xd/admin/accounts/${accountId}`, { token: master, body: { seatId: newSeat.id } });
    expect(moved.status).toBe(200);
    const gone = await unassigned;
    const got = await assigned;
    expect(gone.accountId).toBe(accountId);
    expect(got).toMatchObject({ accountId, phone, platform: 'whatsapp', status: 'offline' });
    expect(got.cursor).toBeGreaterThan(gone.cursor);
    // The branch room (its manager, here on the other instance) hears both.
    expect(await branchRoom.gone).toEqual(gone);
    expect(await branchRoom.got).toEqual(got);

    // The old seat is refused the target over REST and over its socket.
    const refused = await history(a, oldSeat);
    expect(refused.status).toBe(403);
    const send = await emitWithAck(oldSeat.socket, 'message:send', { accountId, receId, contentType: '1', content: 'still mine?', clientMsgId: 'after-move' });
    expect(send.code).toBe(403);
    expect((await a.call('POST', '/xd/client/getAccounts', { token: oldSeat.token, body: {} })).body.data.map((x: any) => x.phone)).toEqual([markerPhone]);

    // The new seat reads the whole history (on either instance) and lists the account.
    const whole = await history(b, newSeat);
    expect(whole.status).toBe(200);
    expect(whole.body.data.contGroups.map((m: any) => m.content)).toEqual(['first words', 'second words']);
    expect((await b.call('POST', '/xd/client/getAccounts', { token: newSeat.token, body: {} })).body.data.map((x: any) => x.phone)).toEqual([phone]);
    const alerts = await b.call('POST', '/xd/client/timelineAlerts', { token: newSeat.token, body: { custServId: newSeat.id, since: 0 } });
    expect(alerts.body.data.alerts.map((x: any) => x.receId)).toContain(receId);

    // The next callbacks, taken by either instance, reach only the new seat.
    for (const hub of [a, b]) {
      const next = nextEvent(newSeat.socket, 'message:new');
      expect((await postCallback(null, 'messageCallback', inboundMessage({ phone, from: { id: 'wa-east-1' }, content: `after the move ${hub.url}` }), { url: hub.url })).status).toBe(200);
      expect((await next).message.content).toBe(`after the move ${hub.url}`);
    }
    // A marker for the account the old seat kept, taken by each instance after those: each
    // instance's pushes reach a socket in order, so anything misrouted would have come first.
    for (const hub of [a, b]) {
      const marker = nextEvent(oldSeat.socket, 'message:new');
      expect((await postCallback(null, 'messageCallback', inboundMessage({ phone: markerPhone, from: { id: 'wa-marker' }, content: `marker ${hub.url}` }), { url: hub.url })).status).toBe(200);
      expect((await marker).message.content).toBe(`marker ${hub.url}`);
    }
    expect(oldPushes.map((p) => p.message.content)).toEqual([`marker ${a.url}`, `marker ${b.url}`]);
  });

  it('disables an account: out of the bridge list, its callbacks refused with nothing stored', async () => {
    expect((await a.call('PUT', `/xd/admin/accounts/${accountId}`, { token: master, body: { disabled: true } })).status).toBe(200);
    const run = await postCallback(null, 'accounts', {}, { url: b.url });
    expect(run.body.data.map((x: any) => x.phone)).not.toContain(phone);
    const { db, tables: { messages } } = a.hub.store;
    const before = (await db.select({ n: count() }).from(messages))[0]!.n;
    const refused = await postCallback(null, 'messageCallback', inboundMessage({ phone, from: { id: 'wa-east-1' }, content: 'ignored' }), { url: b.url });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 409, msg: 'account disabled', error: 'bridge_account_disabled' });
    expect((await db.select({ n: count() }).from(messages))[0]!.n).toBe(before);
    expect((await postCallback(null, 'phoneStatus', { phone, status: 'online' }, { url: a.url })).status).toBe(409);
    expect((await a.call('PUT', `/xd/admin/accounts/${accountId}`, { token: master, body: { disabled: false } })).status).toBe(200);
    expect((await postCallback(null, 'messageCallback', inboundMessage({ phone, from: { id: 'wa-east-1' }, content: 'back' }), { url: b.url })).status).toBe(200);
    expect((await db.select({ n: count() }).from(messages).where(eq(messages.content, 'ignored')))[0]!.n).toBe(0);
  });

  it("disables a user: its sockets on both instances drop within a second and its login answers 403", async () => {
    const token = await a.login('east.one', 'east.one-pw');
    const onA = await connect(a, token);
    const onB = await connect(b, token);
    const gone = Promise.all([onA, onB, oldSeat.socket].map((s) => new Promise<number>((resolve) => s.once('disconnect', () => resolve(Date.now())))));
    const started = Date.now();
    expect((await b.call('PUT', `/xd/admin/users/${oldSeat.id}`, { token: master, body: { disabled: true } })).status).toBe(200);
    for (const at of await gone) expect(at - started).toBeLessThan(1000);
    await expect(connectSocket(a.url, token)).rejects.toThrow();
    const login = await a.call('POST', '/xd/auth/login', { body: { username: 'east.one', password: 'east.one-pw' } });
    expect(login.status).toBe(403);
    expect(login.body.error).toBe('account_disabled');
    expect(newSeat.socket.connected).toBe(true);
  });
});
