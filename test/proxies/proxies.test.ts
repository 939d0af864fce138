// The proxy pool's REST side: CRUD, import with skipped lines, passwords never returned,
// maxAccounts on assignment, who may call, and bad input answered 400 naming the field.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxiesRepository } from '../../src/proxies/proxies.repository.js';
import { postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('proxy pool', () => {
  let t: TestHub;
  let admin: string;
  let master: string;

  beforeAll(async () => {
    t = await startHub();
    admin = await t.login('admin');
    master = await t.login('master');
  });
  afterAll(() => t.close());

  const list = async (query = '') => (await t.call('GET', `/xd/admin/proxies?pageSize=200${query}`, { token: admin })).body.data;
  const accountId = async (phone: string) => Number((await t.hub.store.rows<{ id: number }>(sql`SELECT id FROM accounts WHERE phone = ${phone}`))[0]!.id);

  it('the demo pool is on loopback only', async () => {
    const rows = (await list()).rows;
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.host).toBe('127.0.0.1');
  });

  it('writes one audit row per change in its transaction, with the caller and address, never a password', async () => {
    const audit = () => t.hub.store.rows<any>(sql`SELECT actor_id AS "actorId", action, subject, detail, ip FROM audit_log WHERE action LIKE 'proxy.%' ORDER BY id`);
    const before = (await audit()).length;
    const created = await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: 'audit.example.net', port: 3000, protocol: 'socks5', username: 'u', password: 'audit-secret' } });
    const id = created.body.data.proxyId;
    expect((await t.call('PUT', `/xd/admin/proxies/${id}`, { token: admin, body: { password: 'audit-secret-2' } })).status).toBe(200);
    // A change refused inside the transaction (another proxy's endpoint) leaves no audit row.
    const other = await t.call('POST', '/xd/admin/proxies', { token: master, body: { host: 'audit2.example.net', port: 3001, protocol: 'http' } });
    expect((await t.call('PUT', `/xd/admin/proxies/${id}`, { token: admin, body: { host: 'audit2.example.net', port: 3001, username: null } })).status).toBe(409);
    expect((await t.call('DELETE', `/xd/admin/proxies/${other.body.data.proxyId}`, { token: master })).status).toBe(200);
    expect((await t.call('DELETE', `/xd/admin/proxies/${id}`, { token: admin })).status).toBe(200);
    const rows = (await audit()).slice(before).filter((r) => r.subject === `proxy:${id}`);
    expect(rows.map((r) => [r.action, r.subject])).toEqual([
      ['proxy.create', `proxy:${id}`],
      ['proxy.update', `proxy:${id}`],
      ['proxy.delete', `proxy:${id}`],
    ]);
    const adminId = (await t.hub.store.rows<{ id: number }>(sql`SELECT id FROM users WHERE username = 'admin'`))[0]!.id;
    for (const row of rows) expect(row).toMatchObject({ actorId: adminId, ip: '127.0.0.1' });
    expect(JSON.stringify(rows)).not.toContain('audit-secret');
    expect((await t.call('GET', '/xd/admin/audit?action=proxy.update&pageSize=10', { token: admin })).body.data.total).toBeGreaterThanOrEqual(1);
  });

  it('creates, lists and changes a proxy; the password is stored but never returned', async () => {
    const created = await t.call('POST', '/xd/admin/proxies', {
      token: master,
      body: { host: 'proxy.example.net', port: 2000, protocol: 'http', username: 'user1', password: 'hunter2', country: 'us', expiresAt: Date.now() + 86_400_000, maxAccounts: 3 },
    });
    expect(created.status).toBe(200);
    const id = created.body.data.proxyId;
    const res = await t.call('GET', '/xd/admin/proxies?keyword=example&pageSize=10', { token: admin });
    expect(res.body.data).toMatchObject({ total: 1, pageno: 1, pageSize: 10 });
    expect(res.body.data.rows[0]).toMatchObject({ proxyId: id, host: 'proxy.example.net', port: 2000, protocol: 'http', username: 'user1', hasPassword: true, country: 'US', status: 'unknown', maxAccounts: 3, accounts: 0 });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.body.data.rows[0]).not.toHaveProperty('password');
    expect((await t.hub.store.rows<{ password: string }>(sql`SELECT password FROM proxies WHERE id = ${Number(id)}`))[0]!.password).toBe('hunter2');

    expect((await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: 'proxy.example.net', port: 2000, protocol: 'http', username: 'user1' } })).status).toBe(409);
    expect((await t.call('PUT', `/xd/admin/proxies/${id}`, { token: admin, body: { username: null, port: 2001 } })).status).toBe(200);
    // A body naming no known field changes nothing and says which field is wrong.
    expect((await t.call('PUT', `/xd/admin/proxies/${id}`, { token: admin, body: { '': '' } })).body).toMatchObject({ code: 400, msg: expect.stringMatching(/^body\./) });
    const changed = (await list('&keyword=example')).rows[0];
    expect(changed).toMatchObject({ port: 2001, username: null, hasPassword: false });
    expect((await t.call('DELETE', `/xd/admin/proxies/${id}`, { token: admin })).status).toBe(200);
    expect((await t.call('DELETE', `/xd/admin/proxies/${id}`, { token: admin })).status).toBe(404);
  });

  it('imports lines, skipping the bad ones with their reason and never echoing a password', async () => {
    const lines = ['1.2.3.4:1080', '', 'host-a.example:8080:alice:pa55', 'nocolon', '1.2.3.5:99999', 'bad host!:80', '1.2.3.6:80:onlyuser', '1.2.3.4:1080', 'h.example:81:us er:x', '127.0.0.1:10801:proxy1:zzz'];
    const res = await t.call('POST', '/xd/admin/proxies/import', { token: admin, body: { protocol: 'socks5', lines: lines.join('\r\n'), maxAccounts: 2 } });
    expect(res.status).toBe(200);
    expect(res.body.data.created).toBe(2);
    expect(res.body.data.skipped).toEqual([
      { line: 4, reason: expect.stringMatching(/host:port/) },
      { line: 5, reason: expect.stringMatching(/^port/) },
      { line: 6, reason: expect.stringMatching(/^host/) },
      { line: 7, reason: expect.stringMatching(/host:port/) },
      { line: 8, reason: expect.stringMatching(/duplicate/) },
      { line: 9, reason: expect.stringMatching(/username and password/) },
      { line: 10, reason: 'already in the pool' },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/pa55|zzz/);
    const imported = (await list('&keyword=host-a')).rows[0];
    expect(imported).toMatchObject({ protocol: 'socks5', username: 'alice', hasPassword: true, maxAccounts: 2 });
    // A list of lines works as well as text.
    const asList = await t.call('POST', '/xd/admin/proxies/import', { token: admin, body: { protocol: 'http', lines: ['9.9.9.9:3128'] } });
    expect(asList.body.data).toEqual({ created: 1, skipped: [] });
  });

  it('assignment respects maxAccounts and a proxy in use cannot be deleted', async () => {
    const proxies = createProxiesRepository(t.hub.store);
    const id = Number((await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: '127.0.0.2', port: 3000, protocol: 'socks5' } })).body.data.proxyId);
    await proxies.assign(await accountId('+8613800000003'), id);
    await expect(proxies.assign(await accountId('+8613800000004'), id)).rejects.toThrow(/maxAccounts/);
    expect((await t.call('DELETE', `/xd/admin/proxies/${id}`, { token: admin })).status).toBe(409);
    expect((await t.call('PUT', `/xd/admin/proxies/${id}`, { token: admin, body: { maxAccounts: 2 } })).status).toBe(200);
    await proxies.assign(await accountId('+8613800000004'), id);
    expect((await t.call('PUT', `/xd/admin/proxies/${id}`, { token: admin, body: { maxAccounts: 1 } })).status).toBe(409);
    expect((await list('&keyword=127.0.0.2')).rows[0]).toMatchObject({ accounts: 2, maxAccounts: 2 });
  });

  it('auto-assignment picks the fastest free ok proxy and answers 409 when none is free and no provider is set', async () => {
    const run = (query: ReturnType<typeof sql>) => t.hub.store.rows(query);
    const slow = Number((await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: '127.0.0.3', port: 3001, protocol: 'socks5', country: 'SG' } })).body.data.proxyId);
    const fast = Number((await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: '127.0.0.3', port: 3002, protocol: 'socks5', country: 'SG' } })).body.data.proxyId);
    const expired = Number((await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: '127.0.0.3', port: 3003, protocol: 'socks5', country: 'SG', expiresAt: 1 } })).body.data.proxyId);
    await run(sql`UPDATE proxies SET status = 'ok', latency_ms = ${300} WHERE id = ${slow}`);
    await run(sql`UPDATE proxies SET status = 'ok', latency_ms = ${20} WHERE id = ${fast}`);
    await run(sql`UPDATE proxies SET status = 'ok', latency_ms = ${1} WHERE id = ${expired}`);
    const account = await accountId('+8613800000001');
    const first = await t.call('POST', `/xd/admin/accounts/${account}/proxy/auto`, { token: admin, body: { country: 'sg' } });
    expect(first.body.data).toMatchObject({ proxyId: String(fast), accounts: 1 });
    const second = await t.call('POST', `/xd/admin/accounts/${await accountId('+8613800000002')}/proxy/auto`, { token: admin, body: { country: 'SG' } });
    expect(second.body.data).toMatchObject({ proxyId: String(slow) });
    const none = await t.call('POST', `/xd/admin/accounts/${await accountId('+8613800000003')}/proxy/auto`, { token: admin, body: { country: 'SG' } });
    expect(none).toMatchObject({ status: 409, body: { error: 'conflict', msg: expect.stringMatching(/no free proxy/) } });
    expect((await t.call('POST', '/xd/admin/accounts/999999/proxy/auto', { token: admin, body: {} })).status).toBe(404);
    // No body at all asks for any country.
    expect((await t.call('POST', `/xd/admin/accounts/${await accountId('+8613800000003')}/proxy/auto`, { token: admin })).body.msg).toMatch(/no free proxy/);
  });

  it('physicalIp auto-assigns an account without a proxy, and answers 404 only when none can be had', async () => {
    const run = (query: ReturnType<typeof sql>) => t.hub.store.rows(query);
    const free = Number((await t.call('POST', '/xd/admin/proxies', { token: admin, body: { host: '127.0.0.4', port: 3100, protocol: 'socks5', username: 'pu', password: 'pp' } })).body.data.proxyId);
    await run(sql`UPDATE proxies SET status = 'ok', latency_ms = 5 WHERE id = ${free}`);
    await run(sql`UPDATE accounts SET proxy_id = NULL WHERE phone IN ('+8613800000003', '+8613800000004')`);
    const answer = await postCallback(t, 'physicalIp', { phone: '+8613800000003' });
    expect(answer.body.data).toEqual({ host: '127.0.0.4', port: 3100, protocol: 'socks5', username: 'pu', password: 'pp' });
    expect((await run(sql`SELECT proxy_id AS p FROM accounts WHERE phone = '+8613800000003'`))[0]).toEqual({ p: free });
    await run(sql`UPDATE proxies SET status = 'down' WHERE status = 'ok'`);
    expect((await postCallback(t, 'physicalIp', { phone: '+8613800000004' })).status).toBe(404);
  });

  it('only master and admin may touch the pool', async () => {
    for (const user of ['seat1', 'branch1', 'super1']) {
      const token = await t.login(user);
      expect((await t.call('GET', '/xd/admin/proxies?pageSize=10', { token })).status).toBe(403);
      expect((await t.call('POST', '/xd/admin/proxies', { token, body: { host: '1.1.1.1', port: 1, protocol: 'http' } })).status).toBe(403);
      expect((await t.call('POST', '/xd/admin/accounts/1/proxy/auto', { token, body: {} })).status).toBe(403);
    }
    expect((await t.call('GET', '/xd/admin/proxies?pageSize=10')).status).toBe(401);
  });

  it('bad input is 400 naming the field, never 500', async () => {
    const cases: [unknown, RegExp][] = [
      [{ host: '1.1.1.1', port: 70000, protocol: 'http' }, /port/],
      [{ host: 'bad host', port: 80, protocol: 'http' }, /host/],
      [{ host: '1.1.1.1', port: 80, protocol: 'socks4' }, /protocol/],
      [{ host: '1.1.1.1', port: 80, protocol: 'http', password: 'x' }, /username/],
      [{ host: '1.1.1.1', port: 80, protocol: 'http', country: 'USA' }, /country/],
      [{ host: '1.1.1.1', port: 80, protocol: 'http', maxAccounts: 0 }, /maxAccounts/],
      [{ port: 80, protocol: 'http' }, /host/],
    ];
    for (const [body, field] of cases) {
      const res = await t.call('POST', '/xd/admin/proxies', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.msg).toMatch(field);
    }
    expect((await t.call('POST', '/xd/admin/proxies/import', { token: admin, body: { protocol: 'http' } })).body.msg).toMatch(/lines/);
    expect((await t.call('GET', '/xd/admin/proxies?status=sleepy', { token: admin })).body.msg).toMatch(/status/);
    expect((await t.call('PUT', '/xd/admin/proxies/abc', { token: admin, body: {} })).body.msg).toMatch(/proxyId/);
    // Nothing to change is not an error.
    const some = (await list()).rows[0].proxyId;
    expect((await t.call('PUT', `/xd/admin/proxies/${some}`, { token: admin, body: {} })).status).toBe(200);
    expect((await t.call('PUT', '/xd/admin/proxies/999999', { token: admin, body: {} })).status).toBe(404);
    expect((await t.call('POST', '/xd/admin/proxies/fetch', { token: admin, body: { count: 101 } })).body.msg).toMatch(/count/);
    // No provider configured here.
    expect((await t.call('POST', '/xd/admin/proxies/fetch', { token: admin, body: { count: 1 } })).status).toBe(409);
  });
});
