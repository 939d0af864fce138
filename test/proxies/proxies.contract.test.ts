// The proxy pool's repository and pool over both engines: CRUD with the endpoint's uniqueness
// as 409, literal case-insensitive search, checks and expiry with the accounts to tell,
// assignment within maxAccounts, the best free proxy, and writes whose caller's audit row
// commits (or rolls back) with them. On PostgreSQL, two instances assigning the last free
// place at once: one gets it.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/audit/audit.repository.js';
import { openPgStore } from '../../src/db/pg-store.js';
import type { Db, PgStore, Store } from '../../src/db/store.js';
import { createProxiesRepository, type NewProxy, type ProxiesRepository } from '../../src/proxies/proxies.repository.js';
import { createProxyPool } from '../../src/proxies/proxy-pool.js';
import { contractStores, ENGINES } from '../helpers/contract-engines.js';
import { recordingIo } from '../admin/admin-harness.js';

const engines = ENGINES;
const NOW = 1_700_000_000_000;

const stores = contractStores('proxies');

/** `error`'s HTTP status when it is a HubError. */
const statusOf = (promise: Promise<unknown>) => promise.then(() => 200, (e: { code?: number }) => e.code);

/** A branch and `n` unassigned accounts in it; answers their ids. */
async function seedAccounts(store: Store, n: number, prefix: string): Promise<{ branchId: number; accounts: number[] }> {
  const { accounts, branches } = store.tables;
  const [branch] = await store.db.insert(branches).values({ name: `branch-${prefix}` }).returning({ id: branches.id });
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const [row] = await store.db.insert(accounts).values({ phone: `+86${prefix}${String(i).padStart(6, '0')}`, branchId: branch!.id }).returning({ id: accounts.id });
    ids.push(row!.id);
  }
  return { branchId: branch!.id, accounts: ids };
}

describe.each(engines)('proxy pool on %s', (engine) => {
  let store: Store;
  let proxies: ProxiesRepository;
  let seeded: { branchId: number; accounts: number[] };
  const auditing = (action: string) => async (tx: Db) => void (await recordAudit(tx, { actorId: null, action, subject: 'proxies', detail: {}, ip: null, at: NOW }));
  const auditCount = async (action: string) => {
    const { auditLog } = store.tables;
    return (await store.db.select().from(auditLog).where(eq(auditLog.action, action))).length;
  };
  const proxyOf = async (accountId: number) => {
    const { accounts } = store.tables;
    return (await store.db.select({ proxyId: accounts.proxyId }).from(accounts).where(eq(accounts.id, accountId)))[0]!.proxyId;
  };
  const setStatus = async (id: number, status: 'ok' | 'down' | 'unknown', latencyMs: number | null = null) => {
    const { proxies: table } = store.tables;
    await store.db.update(table).set({ status, latencyMs }).where(eq(table.id, id));
  };

  beforeAll(async () => {
    store = await stores.open(engine);
    proxies = createProxiesRepository(store);
    seeded = await seedAccounts(store, 6, '130');
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('creates a proxy with its audit row; the same host, port and username again is a 409', async () => {
    const id = await proxies.create({ host: 'Host-A.example', port: 1080, protocol: 'socks5', username: 'alice', password: 'pw', country: 'SG' }, auditing('proxy.create'));
    expect(await proxies.get(id)).toMatchObject({ host: 'Host-A.example', status: 'unknown', maxAccounts: 1, accounts: 0, password: 'pw' });
    expect(await statusOf(proxies.create({ host: 'Host-A.example', port: 1080, protocol: 'http', username: 'alice' }))).toBe(409);
    // Another username is another endpoint.
    await proxies.create({ host: 'Host-A.example', port: 1080, protocol: 'socks5' });
    expect(await auditCount('proxy.create')).toBe(1);
    expect(await proxies.get(999_999)).toBeUndefined();
  });

  it('imports many in one transaction, answering the duplicates; a failing audit rolls the import back', async () => {
    const list: NewProxy[] = [
      { host: 'b.example', port: 1, protocol: 'http', provider: 'ip2world', country: 'US', maxAccounts: 2 },
      { host: 'Host-A.example', port: 1080, protocol: 'socks5', username: 'alice' },
      { host: 'c.example', port: 2, protocol: 'http', provider: 'ip2world', country: 'US' },
    ];
    const result = await proxies.createMany(list, auditing('proxy.import'));
    expect(result.created).toHaveLength(2);
    expect(result.duplicates).toEqual([1]);
    expect(await auditCount('proxy.import')).toBe(1);
    const failing = proxies.createMany([{ host: 'lost.example', port: 3, protocol: 'http' }], async () => {
      throw new Error('audit failed');
    });
    await expect(failing).rejects.toThrow('audit failed');
    expect((await proxies.list({ keyword: 'lost' }, { offset: 0, limit: 10 })).total).toBe(0);
  });

  it('lists by status, provider and a case-insensitive, literal keyword with the accounts each serves', async () => {
    const all = await proxies.list({}, { offset: 0, limit: 100 });
    expect(all.total).toBe(4);
    expect(all.rows.map((r) => r.id)).toEqual([...all.rows.map((r) => r.id)].sort((a, b) => b - a));
    expect((await proxies.list({ keyword: 'HOST-a' }, { offset: 0, limit: 100 })).total).toBe(2);
    expect((await proxies.list({ keyword: 'ALICE' }, { offset: 0, limit: 100 })).total).toBe(1);
    expect((await proxies.list({ keyword: 'us' }, { offset: 0, limit: 100 })).total).toBe(2);
    expect((await proxies.list({ keyword: '%' }, { offset: 0, limit: 100 })).total).toBe(0);
    expect((await proxies.list({ keyword: 'b_example' }, { offset: 0, limit: 100 })).total).toBe(0);
    expect((await proxies.list({ provider: 'ip2world' }, { offset: 0, limit: 1 })).rows).toHaveLength(1);
    expect((await proxies.list({ status: 'unknown' }, { offset: 0, limit: 100 })).total).toBe(4);
  });

  it('assigns within maxAccounts, refuses an expired or unknown proxy, and clears', async () => {
    const [a, b, c] = seeded.accounts;
    const { rows } = await proxies.list({ keyword: 'b.example' }, { offset: 0, limit: 1 });
    const roomy = rows[0]!.id; // maxAccounts 2
    await proxies.assign(a!, roomy, async (tx, proxyId) => void (await recordAudit(tx, { actorId: null, action: 'account.proxy', subject: `account:${a}`, detail: { proxyId }, ip: null, at: NOW })));
    await proxies.assign(b!, roomy);
    expect(await proxies.get(roomy)).toMatchObject({ accounts: 2 });
    expect(await statusOf(proxies.assign(c!, roomy))).toBe(409);
    expect(await statusOf(proxies.assign(c!, 999_999))).toBe(404);
    expect(await statusOf(proxies.assign(999_999, roomy))).toBe(404);
    expect(await auditCount('account.proxy')).toBe(1);
    await proxies.assign(b!, null);
    expect(await proxyOf(b!)).toBeNull();
    // In use: not deletable, and maxAccounts cannot drop below the use.
    expect(await statusOf(proxies.remove(roomy))).toBe(409);
    expect(await statusOf(proxies.update(roomy, { maxAccounts: 0 }, NOW))).toBe(409);
  });

  it('changes a proxy: a new endpoint forgets the last check; a taken endpoint is a 409, a missing proxy a 404', async () => {
    const id = await proxies.create({ host: 'd.example', port: 4, protocol: 'http' });
    await setStatus(id, 'ok', 50);
    await proxies.update(id, { country: 'DE' }, NOW, auditing('proxy.update'));
    expect(await proxies.get(id)).toMatchObject({ status: 'ok', latencyMs: 50, country: 'DE' });
    await proxies.update(id, { port: 5 }, NOW);
    expect(await proxies.get(id)).toMatchObject({ status: 'unknown', latencyMs: null, port: 5 });
    expect(await statusOf(proxies.update(id, { host: 'c.example', port: 2 }, NOW))).toBe(409);
    expect(await statusOf(proxies.update(999_999, { port: 6 }, NOW))).toBe(404);
    expect(await auditCount('proxy.update')).toBe(1);
    await proxies.remove(id, auditing('proxy.delete'));
    expect(await proxies.get(id)).toBeUndefined();
    expect(await statusOf(proxies.remove(id))).toBe(404);
    expect(await auditCount('proxy.delete')).toBe(1);
  });

  it('records checks, naming the accounts (with their branch) only when a proxy turns down', async () => {
    const [a] = seeded.accounts;
    const roomy = (await proxies.list({ keyword: 'b.example' }, { offset: 0, limit: 1 })).rows[0]!.id;
    expect(await proxies.recordCheck(roomy, 'ok', { latencyMs: 42 }, NOW)).toEqual({ turnedDown: false, users: [] });
    expect(await proxies.get(roomy)).toMatchObject({ status: 'ok', latencyMs: 42, checkedAt: NOW, statusReason: null });
    expect(await proxies.recordCheck(roomy, 'down', { reason: 'connection refused' }, NOW + 1)).toEqual({ turnedDown: true, users: [{ accountId: a, branchId: seeded.branchId }] });
    expect(await proxies.recordCheck(roomy, 'down', { reason: 'still' }, NOW + 2)).toEqual({ turnedDown: false, users: [] });
    expect(await proxies.recordCheck(999_999, 'ok', {}, NOW)).toBeUndefined();
  });

  it('expires proxies past expiresAt once, leaves them out of the checks, and a later expiresAt revives them', async () => {
    const [, , , d] = seeded.accounts;
    const id = await proxies.create({ host: 'e.example', port: 7, protocol: 'socks5', expiresAt: NOW - 1 });
    await proxies.assign(d!, id);
    expect(await proxies.expire(NOW)).toEqual([{ proxyId: id, users: [{ accountId: d, branchId: seeded.branchId }] }]);
    expect(await proxies.expire(NOW)).toEqual([]);
    expect((await proxies.checkable()).map((p) => p.id)).not.toContain(id);
    expect(await statusOf(proxies.assign(seeded.accounts[4]!, id))).toBe(409);
    await proxies.update(id, { expiresAt: NOW + 60_000 }, NOW);
    expect(await proxies.get(id)).toMatchObject({ status: 'unknown' });
    await proxies.assign(d!, null);
  });

  it('picks the best free proxy: ok, not expired, with room, in the country asked, fastest first', async () => {
    const [, , c, d, e] = seeded.accounts;
    const slow = await proxies.create({ host: 'f.example', port: 8, protocol: 'socks5', country: 'JP' });
    const fast = await proxies.create({ host: 'g.example', port: 9, protocol: 'socks5', country: 'JP' });
    const other = await proxies.create({ host: 'h.example', port: 10, protocol: 'socks5', country: 'KR' });
    await setStatus(slow, 'ok', 300);
    await setStatus(fast, 'ok', 20);
    await setStatus(other, 'ok', 1);
    expect(await proxies.assignBestFree(c!, { country: 'JP', now: NOW }, auditing('account.proxy.auto'))).toBe(fast);
    expect(await proxies.assignBestFree(d!, { country: 'JP', now: NOW })).toBe(slow);
    expect(await proxies.assignBestFree(e!, { country: 'JP', now: NOW })).toBeUndefined();
    expect(await proxyOf(e!)).toBeNull();
    expect(await auditCount('account.proxy.auto')).toBe(1);
    expect(await statusOf(proxies.assignBestFree(999_999, { now: NOW }))).toBe(404);
  });

  it('answers the account of a phone, and hint cursors that grow', async () => {
    const [a] = seeded.accounts;
    expect(await proxies.accountIdOfPhone('+86130000000')).toEqual({ id: a, proxyId: await proxyOf(a!) });
    expect(await proxies.accountIdOfPhone('+1555')).toBeUndefined();
    const first = await proxies.hintCursor(NOW);
    expect(await proxies.hintCursor(NOW)).toBeGreaterThan(first);
  });

  it('pool: auto-assignment is a 409 with nothing free and no provider, checks a 503 without a target, expiry pushed to the branch', async () => {
    const { io, pushes } = recordingIo();
    const pool = createProxyPool({ proxies, io, clock: { now: () => NOW }, checkTarget: undefined, checkTimeoutMs: 100, provider: undefined });
    const [, , , , , f] = seeded.accounts;
    expect(await statusOf(pool.autoAssign(f!, 'ZZ'))).toBe(409);
    expect(await statusOf(pool.checkNow(1))).toBe(503);
    const free = await proxies.create({ host: 'i.example', port: 11, protocol: 'socks5', country: 'ZZ' });
    await setStatus(free, 'ok', 0); // the fastest of all: ensureProxy asks for no country
    await pool.ensureProxy('+86130000005');
    expect(await proxyOf(f!)).toBe(free);
    await proxies.update(free, { expiresAt: NOW - 1 }, NOW - 10);
    await pool.checkAll();
    expect(pushes.filter((p) => p.event === 'proxy:status').map((p) => [p.rooms[0], (p.payload as { accounts: string[] }).accounts])).toEqual([
      [`branch:${seeded.branchId}`, [String(f)]],
      ['org', [String(f)]],
    ]);
  });
});

describe('proxy pool on pg, two instances at once', () => {
  let one: PgStore;
  let two: PgStore;

  beforeAll(async () => {
    const url = await stores.pgUrl();
    one = await openPgStore(url);
    two = await openPgStore(url);
  }, 60_000);
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('two accounts asking for the last free proxy: one gets it, the other none', async () => {
    const [repoOne, repoTwo] = [createProxiesRepository(one), createProxiesRepository(two)];
    const { accounts, proxies } = one.tables;
    for (let round = 0; round < 8; round++) {
      const { accounts: [a, b] } = await seedAccounts(one, 2, `14${round}`);
      const id = await repoOne.create({ host: `race-${round}.example`, port: 1000 + round, protocol: 'socks5', country: `R${round}` });
      await one.db.update(proxies).set({ status: 'ok', latencyMs: 10 }).where(eq(proxies.id, id));
      const picked = await Promise.all([repoOne.assignBestFree(a!, { country: `R${round}`, now: NOW }), repoTwo.assignBestFree(b!, { country: `R${round}`, now: NOW })]);
      expect(picked.filter((p) => p === id)).toHaveLength(1);
      expect(picked.filter((p) => p === undefined)).toHaveLength(1);
      expect(await one.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.proxyId, id))).toHaveLength(1);
    }
  });

  it('two explicit assignments to a one-account proxy: one wins, the other is a 409', async () => {
    const [repoOne, repoTwo] = [createProxiesRepository(one), createProxiesRepository(two)];
    for (let round = 0; round < 8; round++) {
      const { accounts: [a, b] } = await seedAccounts(one, 2, `15${round}`);
      const id = await repoOne.create({ host: `pin-${round}.example`, port: 2000 + round, protocol: 'socks5' });
      const outcomes = await Promise.all([statusOf(repoOne.assign(a!, id)), statusOf(repoTwo.assign(b!, id))]);
      expect(outcomes.sort()).toEqual([200, 409]);
    }
  });
});
