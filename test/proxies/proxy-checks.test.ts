// Proxy checks against real proxies on loopback: SOCKS5 (no auth and username/password) and
// HTTP CONNECT tunnelling to a local target, a closed port, a silent proxy, wrong credentials;
// the proxy:status push to the branch and the background checker's expiry.
import { createServer, type AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxiesRepository } from '../../src/proxies/proxies.repository.js';
import { createProxyPool } from '../../src/proxies/proxy-pool.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, nextEvent, type ClientSocket } from '../helpers/sockets.js';
import { closedPort, startHttpConnectProxy, startSilent, startSocks5, startTarget, type Listening } from './fake-proxies.js';

const CHECK_LIMIT_MS = 400;

describe('proxy checks', () => {
  let t: TestHub;
  let admin: string;
  let target: Listening;
  const servers: Listening[] = [];
  const started = async (server: Promise<Listening>) => {
    const s = await server;
    servers.push(s);
    return s;
  };

  beforeAll(async () => {
    target = await startTarget();
    t = await startHub({ listen: true, env: { PROXY_CHECK_TARGET: `127.0.0.1:${target.port}`, PROXY_CHECK_TIMEOUT_MS: String(CHECK_LIMIT_MS) } });
    admin = await t.login('admin');
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([target, ...servers].map((s) => s.close()));
  });

  async function addProxy(body: Record<string, unknown>): Promise<string> {
    const res = await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: '127.0.0.1', ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.proxyId;
  }
  const check = (id: string) => t.call('POST', `/xd/admin/proxies/${id}/check`, { token: admin });

  it('a SOCKS5 proxy without auth tunnels to the target: ok with a latency', async () => {
    const socks = await started(startSocks5());
    const id = await addProxy({ port: socks.port, protocol: 'socks5' });
    const res = await check(id);
    expect(res.body.data).toMatchObject({ status: 'ok', latencyMs: expect.any(Number), checkedAt: expect.any(Number) });
    expect(res.body.data.latencyMs).toBeGreaterThan(0);
    expect(socks.seen).toEqual([`127.0.0.1:${target.port}`]);
    const row = (await t.call('GET', '/xd/admin/proxies?pageSize=200', { token: admin })).body.data.rows.find((r: any) => r.proxyId === id);
    expect(row).toMatchObject({ status: 'ok', latencyMs: res.body.data.latencyMs });
  });

  it('a SOCKS5 proxy with username/password: ok with the right one, down with the reason with a wrong one', async () => {
    const socks = await started(startSocks5({ username: 'alice', password: 's3cret' }));
    const good = await addProxy({ port: socks.port, protocol: 'socks5', username: 'alice', password: 's3cret' });
    expect((await check(good)).body.data.status).toBe('ok');
    const bad = await addProxy({ port: socks.port, protocol: 'socks5', username: 'bob', password: 'wrong' });
    const res = await check(bad);
    expect(res.body.data).toMatchObject({ status: 'down', latencyMs: null, reason: expect.stringMatching(/authentication failed/) });
    expect(socks.seen).toHaveLength(1);
  });

  it('an HTTP CONNECT proxy: ok, and 407 on wrong credentials is down with the reason', async () => {
    const open = await started(startHttpConnectProxy());
    expect((await check(await addProxy({ port: open.port, protocol: 'http' }))).body.data).toMatchObject({ status: 'ok', latencyMs: expect.any(Number) });
    expect(open.seen).toEqual([`127.0.0.1:${target.port}`]);
    const guarded = await started(startHttpConnectProxy({ username: 'u1', password: 'p1' }));
    expect((await check(await addProxy({ port: guarded.port, protocol: 'http', username: 'u1', password: 'p1' }))).body.data.status).toBe('ok');
    const res = await check(await addProxy({ port: guarded.port, protocol: 'http', username: 'u2', password: 'p1' }));
    expect(res.body.data, JSON.stringify(res.body.data)).toMatchObject({ status: 'down', reason: expect.stringMatching(/407/) });
  });

  it('a closed port is down: connection refused', async () => {
    for (const protocol of ['socks5', 'http']) {
      const res = await check(await addProxy({ port: await closedPort(), protocol }));
      expect(res.body.data, JSON.stringify(res.body.data)).toMatchObject({ status: 'down', reason: 'connection refused' });
    }
  });

  it('a proxy that accepts TCP and never answers is down after the limit, and the hub keeps serving meanwhile', async () => {
    for (const protocol of ['socks5', 'http']) {
      const silent = await started(startSilent());
      const id = await addProxy({ port: silent.port, protocol });
      const startedAt = Date.now();
      const pending = check(id);
      let checkDone = false;
      void pending.then(() => (checkDone = true));
      const health = await t.call('GET', '/healthz');
      expect(health.status).toBe(200);
      expect(checkDone).toBe(false);
      const res = await pending;
      expect(res.body.data).toMatchObject({ status: 'down', reason: expect.stringMatching(/within|timed out|timeout/i) });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(CHECK_LIMIT_MS - 20);
      expect(Date.now() - startedAt).toBeLessThan(CHECK_LIMIT_MS + 1500);
      expect(silent.seen).toEqual(['connection']);
    }
  });

  it('a proxy that goes down pushes proxy:status to the branch of the accounts using it and to the pool’s keepers, not to seats', async () => {
    const socks = await started(startSocks5());
    const id = await addProxy({ port: socks.port, protocol: 'socks5', maxAccounts: 2, country: 'jp' });
    expect((await check(id)).body.data.status).toBe('ok');
    const accountId = String((await t.hub.store.rows<{ id: number }>(sql`SELECT id FROM accounts WHERE phone = '+8613800000001'`))[0]!.id);
    const auto = await t.call('POST', `/xd/admin/accounts/${accountId}/proxy/auto`, { token: admin, body: { country: 'JP' } });
    expect(auto.body.data).toMatchObject({ proxyId: id, accounts: 1, country: 'JP' });
    expect(auto.body.data).not.toHaveProperty('password');
    // An account of the second branch that no seat holds: its branch is told all the same.
    const unassignedId = String((await t.hub.store.rows<{ id: number }>(sql`SELECT id FROM accounts WHERE seat_id IS NULL AND branch_id IS NOT NULL ORDER BY id LIMIT 1`))[0]!.id);
    const second = await t.call('POST', `/xd/admin/accounts/${unassignedId}/proxy/auto`, { token: admin, body: { country: 'JP' } });
    expect(second.body.data).toMatchObject({ proxyId: id, accounts: 2 });

    const branch: ClientSocket = await connectSocket(t.url, await t.login('branch1'));
    const south: ClientSocket = await connectSocket(t.url, await t.login('south'));
    const seat: ClientSocket = await connectSocket(t.url, await t.login('seat1'));
    const keeper: ClientSocket = await connectSocket(t.url, admin);
    const toSeat = collectEvents(seat, 'proxy:status');
    await socks.close();
    servers.splice(servers.indexOf(socks), 1);
    const pushed = nextEvent(branch, 'proxy:status');
    const pushedSouth = nextEvent(south, 'proxy:status');
    const pushedKeeper = nextEvent(keeper, 'proxy:status');
    expect((await check(id)).body.data.status).toBe('down');
    // Admin and master watch the whole pool: every account of it, whatever the branch.
    const toKeeper = await pushedKeeper;
    expect(toKeeper).toEqual({ proxyId: id, status: 'down', accounts: expect.any(Array), cursor: expect.any(Number) });
    expect([...toKeeper.accounts].sort()).toEqual([accountId, unassignedId].sort());
    expect(await pushed).toEqual({ proxyId: id, status: 'down', accounts: [accountId], cursor: expect.any(Number) });
    expect(await pushedSouth).toEqual({ proxyId: id, status: 'down', accounts: [unassignedId], cursor: expect.any(Number) });
    // Still down: no second push.
    const again = collectEvents(branch, 'proxy:status');
    expect((await check(id)).body.data.status).toBe('down');
    await new Promise((r) => setTimeout(r, 100));
    expect(again).toHaveLength(0);
    expect(toSeat).toHaveLength(0);
    branch.close();
    south.close();
    seat.close();
    keeper.close();
  });
});

describe('proxy checks without a configured target', () => {
  it('answer 503 naming PROXY_CHECK_TARGET and dial nothing (the default outside production)', async () => {
    const socks = await startSocks5();
    const t = await startHub();
    try {
      expect(t.hub.config.proxyCheckTarget).toBeUndefined();
      expect(t.hub.config.proxyCheckIntervalS).toBe(0);
      const admin = await t.login('admin');
      const created = await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: '127.0.0.1', port: socks.port, protocol: 'socks5' } });
      const res = await t.call('POST', `/xd/admin/proxies/${created.body.data.proxyId}/check`, { token: admin });
      expect(res).toMatchObject({ status: 503, body: { code: 503, error: 'unavailable', msg: expect.stringMatching(/PROXY_CHECK_TARGET/) } });
      expect(socks.seen).toEqual([]);
    } finally {
      await t.close();
      await socks.close();
    }
  });
});

describe('background checker', () => {
  it('marks proxies past expiresAt expired and tells the branch of their accounts', async () => {
    const target = await startTarget();
    const t = await startHub({ listen: true, env: { PROXY_CHECK_TARGET: `127.0.0.1:${target.port}`, PROXY_CHECK_TIMEOUT_MS: '300', PROXY_CHECK_INTERVAL_S: '1' } });
    try {
      const admin = await t.login('admin');
      const rows = (await t.call('GET', '/xd/admin/proxies?pageSize=200', { token: admin })).body.data.rows;
      // The seeded proxies point at loopback ports; the one used by the first account expires now.
      const used = rows.find((r: any) => r.accounts === 1);
      const accountId = String((await t.hub.store.rows<{ id: number }>(sql`SELECT id FROM accounts WHERE proxy_id = ${Number(used.proxyId)}`))[0]!.id);
      const branch = await connectSocket(t.url, await t.login('branch1'));
      const events = collectEvents(branch, 'proxy:status');
      expect((await t.call('PUT', `/xd/admin/proxies/${used.proxyId}`, { token: admin, body: { expiresAt: Date.now() - 1 } })).status).toBe(200);
      const deadline = Date.now() + 4000;
      while (!events.some((e) => e.proxyId === used.proxyId && e.status === 'expired') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(events.find((e) => e.proxyId === used.proxyId && e.status === 'expired')).toEqual({ proxyId: used.proxyId, status: 'expired', accounts: [accountId], cursor: expect.any(Number) });
      const after = (await t.call('GET', '/xd/admin/proxies?status=expired&pageSize=200', { token: admin })).body.data.rows;
      expect(after.map((r: any) => r.proxyId)).toContain(used.proxyId);
      // The seeded loopback proxies do not listen: the pass found them down.
      const down = (await t.call('GET', '/xd/admin/proxies?status=down&pageSize=200', { token: admin })).body.data.rows;
      expect(down.length).toBeGreaterThan(0);
      branch.close();
    } finally {
      await t.close();
      await target.close();
    }
  });

  it('checks the pool a bounded number at a time', async () => {
    const t = await startHub();
    const accepted: number[] = [];
    const silent = createServer((socket) => {
      accepted.push(Date.now());
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const proxies = createProxiesRepository(t.hub.store);
      const port = (silent.address() as AddressInfo).port;
      // The seeded proxies point at closed loopback ports; these nine at a proxy that never answers.
      await proxies.createMany(Array.from({ length: 9 }, (_, i) => ({ host: '127.0.0.1', port, username: `u${i}`, protocol: i % 2 ? 'http' : 'socks5' })));
      const pool = createProxyPool({ proxies, io: t.hub.io, clock: { now: () => Date.now() }, checkTarget: { host: '127.0.0.1', port: 9 }, checkTimeoutMs: 200, provider: undefined, concurrency: 3 });
      const startedAt = Date.now();
      await pool.checkAll();
      expect(accepted).toHaveLength(9);
      // Each check waits out its 200 ms limit, so connections arrive in waves of `concurrency`.
      const within = (at: number) => accepted.filter((other) => Math.abs(other - at) < 120).length;
      expect(Math.max(...accepted.map(within))).toBe(3);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3 * 200 - 30);
      expect((await proxies.list({ status: 'down' }, { offset: 0, limit: 100 })).total).toBe(13);
    } finally {
      silent.close();
      await t.close();
    }
  });
});
