// No socket outlives its token or its user: expiry, revocation and disabling close it on every
// instance, even when Redis no longer carries the logout broadcast between them.
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startHub, type StartHubOptions, type TestHub } from '../helpers/hub.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { connectSocket, emitWithAck, nextEvent, type ClientSocket } from '../helpers/sockets.js';
import { ownedTargetIn, userIdIn } from '../messages/fixtures.js';

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const disconnected = (socket: ClientSocket) =>
  new Promise<{ reason: string; at: number }>((resolve) => socket.once('disconnect', (reason) => resolve({ reason, at: Date.now() })));

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms);
    }),
  ]);
}

describe('sessions end everywhere', () => {
  const hubs: TestHub[] = [];
  const sockets: ClientSocket[] = [];
  let redis: PrivateRedis | undefined;
  let proxy: FaultProxy | undefined;
  const start = async (options: StartHubOptions) => {
    const hub = await startHub({ listen: true, ...options });
    hubs.push(hub);
    return hub;
  };
  const connect = async (hub: TestHub, token: string) => {
    const socket = await connectSocket(hub.url, token);
    sockets.push(socket);
    return socket;
  };
  const send = async (socket: ClientSocket, t: TestHub) => {
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    return emitWithAck(socket, 'message:send', {
      accountId: String(target.accountId),
      receId: String(target.targetId),
      contentType: '1',
      content: 'still here?',
      clientMsgId: `c-${Math.random()}`,
    });
  };

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    // Reverse order: instances sharing a directory close before the one that owns it.
    for (const hub of hubs.splice(0).reverse()) await hub.close();
    await proxy?.close();
    proxy = undefined;
    await redis?.stop();
    redis = undefined;
  });

  it('closes a socket when its token expires', async () => {
    const t = await start({ env: { TOKEN_TTL_SECONDS: '1' } });
    const login = await t.call('POST', '/xd/auth/login', { body: { username: 'seat1', password: 'seat1123' } });
    const expiresAt = login.body.data.expiresAt as number;
    const socket = await connect(t, login.body.data.token);
    const gone = await within(disconnected(socket), 3000, 'disconnect at expiry');
    expect(gone.reason).toBe('io server disconnect');
    expect(Math.abs(gone.at - expiresAt)).toBeLessThan(500);
  });

  it('refuses an event with 401 and closes the socket once the token has expired', async () => {
    let now = Date.now();
    const t = await start({ clock: { now: () => now }, env: { TOKEN_TTL_HOURS: '1' } });
    const socket = await connect(t, await t.login('seat1'));
    expect((await send(socket, t)).code).toBe(200);
    now += 3_600_001;
    const gone = disconnected(socket);
    const ack = await send(socket, t);
    expect(ack).toEqual({ code: 401, msg: 'token: invalid, expired or revoked', error: 'unauthorized' });
    expect((await within(gone, 1000, 'disconnect')).reason).toBe('io server disconnect');
  });

  it('refuses events at once and closes the socket within 2 s when the user is disabled', async () => {
    const t = await start({});
    const socket = await connect(t, await t.login('seat1'));
    const gone = disconnected(socket);
    await t.hub.store.db.update(t.hub.store.tables.users).set({ disabled: true }).where(eq(t.hub.store.tables.users.username, 'seat1'));
    const started = Date.now();
    expect((await send(socket, t)).code).toBe(401);
    await within(gone, 2000, 'disconnect of a disabled user');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('closes a socket within 2 s of its token being revoked by anyone, without a broadcast', async () => {
    const t = await start({});
    const token = await t.login('seat1');
    const socket = await connect(t, token);
    const other = await connect(t, await t.login('seat2'));
    const gone = disconnected(socket);
    // What another instance's logout leaves in the shared database when its broadcast is lost.
    const seat1Id = await userIdIn(t.hub.store, 'seat1');
    await t.hub.store.db.update(t.hub.store.tables.tokens).set({ revokedAt: Date.now() }).where(eq(t.hub.store.tables.tokens.userId, seat1Id));
    await within(gone, 2000, 'disconnect of a revoked token');
    expect(other.connected).toBe(true);
  });

  it('closes the socket on B within 2 s of a logout on A while Redis is blackholed between them', async () => {
    redis = await startRedis();
    proxy = await startFaultProxy({ port: redis.port });
    const a = await start({ env: { REDIS_URL: redis.url } });
    const b = await start({ env: { REDIS_URL: `redis://${proxy.address}` }, dir: a.dir });
    const token = await a.login('seat1');
    const socket = await connect(b, token);
    const gone = disconnected(socket);
    proxy.setMode('blackhole');

    const logout = await a.call('POST', '/xd/auth/logout', { token });
    expect(logout.status).toBe(200);
    await within(gone, 2000, 'disconnect on B');

    // B is not held up by the silent Redis: it still logs in, serves its sockets and logs out.
    const startedAt = Date.now();
    const fresh = await b.login('seat2');
    const mine = await connect(b, fresh);
    const dropped = disconnected(mine);
    expect((await b.call('POST', '/xd/auth/logout', { token: fresh })).status).toBe(200);
    await within(dropped, 1000, 'local logout on B');
    expect((await b.call('GET', '/healthz')).status).toBe(200);
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it('reports a silent Redis as down, refuses to queue for it, and recovers when it answers again', async () => {
    redis = await startRedis();
    proxy = await startFaultProxy({ port: redis.port });
    const a = await start({ env: { REDIS_URL: redis.url } });
    const b = await start({ env: { REDIS_URL: `redis://${proxy.address}` }, dir: a.dir });
    const health = async (hub: TestHub) => (await hub.call('GET', '/healthz')).body.data.redis as string;
    await waitFor(async () => (await health(b)) === 'ok', 5000, 'redis ok on B');
    proxy.setMode('blackhole');
    await waitFor(async () => (await health(b)) === 'down', 5000, 'redis down on B');
    proxy.setMode('pass');
    await waitFor(async () => (await health(b)) === 'ok', 8000, 'redis ok on B again');
    // Pushes from A reach B's sockets again.
    const seat = await connect(b, await b.login('seat1'));
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(50);
      const heard = nextEvent(seat, 'message:new', 200).then(() => true, () => false);
      expect((await postCallback(null, 'messageCallback', inboundMessage({ content: 'after heal' }), { url: a.url })).status).toBe(200);
      if (await heard) break;
    }
  }, 30_000);
});
