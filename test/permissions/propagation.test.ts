// A grant changed on one instance is applied by every instance within 1 s: through Redis when
// it is configured, and by the version poll without it or while Redis is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { connectSocket, emitWithAck, type ClientSocket } from '../helpers/sockets.js';
import { startFakeTranslator, type FakeTranslator } from '../translate/fake-libretranslate.js';
import { msUntil, revoke, setRoleMenus } from './fixtures.js';

const LIMIT_MS = 1000;

const translateStatus = async (hub: TestHub, token: string) => {
  const answer = await hub.call('POST', '/xd/client/translate', { token, body: { text: '你好', to: 'en' } });
  if (answer.status === 403) expect(answer.body).toMatchObject({ error: 'permission_denied', msg: expect.stringContaining('client:translate') });
  return answer.status;
};

/** Until every hub answers the seat's translate with `status`; the slowest one's milliseconds. */
const allWithin = (hubs: TestHub[], token: string, status: number) =>
  Promise.all(hubs.map((hub, i) => msUntil(async () => (await translateStatus(hub, token)) === status, LIMIT_MS, `hub ${i} answering ${status}`)));

describe('permission changes across instances, through Redis', () => {
  let redis: PrivateRedis;
  let translator: FakeTranslator;
  // a made the change; b polls only once a minute, so only Redis can reach it in time; c polls every 500 ms.
  let a: TestHub;
  let b: TestHub;
  let c: TestHub;
  let admin: string;
  let seat: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    translator = await startFakeTranslator();
    const env = { REDIS_URL: redis.url, TRANSLATE_URL: translator.url };
    a = await startHub({ listen: true, env });
    b = await startHub({ listen: true, env, dir: a.dir, permissionPollMs: 60_000 });
    c = await startHub({ listen: true, env, dir: a.dir });
    admin = await a.login('admin');
    seat = await a.login('seat1');
    for (const hub of [a, b, c]) {
      await msUntil(async () => (await hub.call('GET', '/healthz')).body.data.redis === 'ok', 5000, 'redis ok');
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const hub of [c, b, a]) await hub?.close();
    await translator?.close();
    await redis?.stop();
  });

  it('refuses the seat’s translate on every instance within 1 s of the change, and serves it again within 1 s of the restore', async () => {
    expect(await Promise.all([a, b, c].map((hub) => translateStatus(hub, seat)))).toEqual([200, 200, 200]);
    const before = await revoke(a, admin, 'seat', 'client:translate');
    expect(Math.max(...(await allWithin([a, b, c], seat, 403)))).toBeLessThan(LIMIT_MS);
    expect((await setRoleMenus(a, admin, 'seat', before)).status).toBe(200);
    expect(Math.max(...(await allWithin([a, b, c], seat, 200)))).toBeLessThan(LIMIT_MS);
  });

  it('refuses a socket event on another instance once its permission is gone', async () => {
    const socket = await connectSocket(b.url, seat);
    sockets.push(socket);
    expect((await emitWithAck(socket, 'message:read', { receId: '1' })).code).not.toBe(403);
    const before = await revoke(a, admin, 'seat', 'client:message:edit');
    const took = await msUntil(async () => (await emitWithAck(socket, 'message:read', { receId: '1' })).code === 403, LIMIT_MS, 'socket refused on b');
    expect(took).toBeLessThan(LIMIT_MS);
    const ack = await emitWithAck(socket, 'message:read', { receId: '1' });
    expect(ack).toMatchObject({ code: 403, error: 'permission_denied', msg: expect.stringContaining('client:message:edit') });
    await setRoleMenus(a, admin, 'seat', before);
    await msUntil(async () => (await emitWithAck(socket, 'message:read', { receId: '1' })).code !== 403, LIMIT_MS, 'socket allowed on b');
  });

  it('still applies a change within 1 s through the version poll while Redis is down', async () => {
    await redis.kill();
    const before = await revoke(a, admin, 'seat', 'client:translate');
    expect(Math.max(...(await allWithin([a, c], seat, 403)))).toBeLessThan(LIMIT_MS);
    // b polls once a minute and Redis is gone: it has not heard yet.
    expect(await translateStatus(b, seat)).toBe(200);
    await setRoleMenus(a, admin, 'seat', before);
    expect(Math.max(...(await allWithin([a, c], seat, 200)))).toBeLessThan(LIMIT_MS);
  });
});

describe('permission changes across instances without Redis', () => {
  let translator: FakeTranslator;
  let a: TestHub;
  let b: TestHub;

  beforeAll(async () => {
    translator = await startFakeTranslator();
    a = await startHub({ env: { TRANSLATE_URL: translator.url } });
    b = await startHub({ env: { TRANSLATE_URL: translator.url }, dir: a.dir });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await translator?.close();
  });

  it('applies a change made on one hub on the other (same SQLite file) within 1 s, both ways', async () => {
    const [admin, seat] = [await a.login('admin'), await a.login('seat1')];
    expect(await translateStatus(b, seat)).toBe(200);
    const before = await revoke(a, admin, 'seat', 'client:translate');
    expect(await translateStatus(a, seat)).toBe(403);
    expect(await msUntil(async () => (await translateStatus(b, seat)) === 403, LIMIT_MS, 'b refusing')).toBeLessThan(LIMIT_MS);
    // Restored from the other side this time.
    expect((await setRoleMenus(b, admin, 'seat', before)).status).toBe(200);
    expect(await msUntil(async () => (await translateStatus(a, seat)) === 200, LIMIT_MS, 'a serving')).toBeLessThan(LIMIT_MS);
  });
});
