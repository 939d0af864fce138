// The ip2world provider against a local fake of its extraction API: good answers (JSON, text
// with LF and CRLF) grow the pool; refusals, errors, hangs and malformed answers are 503 naming
// the provider with nothing stored.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';

type Answer = (res: ServerResponse) => void;

describe('ip2world provider', () => {
  let t: TestHub;
  let admin: string;
  let server: Server;
  let answer: Answer = (res) => res.end('{}');
  const requests: URL[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    t = await startHub({
      env: {
        PROXY_PROVIDER: 'ip2world',
        PROXY_PROVIDER_URL: `http://127.0.0.1:${port}/getProxyIp?num={count}&regions={country}&lb=1&return_type=json&protocol={protocol}`,
        PROXY_PROVIDER_TIMEOUT_MS: '300',
      },
    });
    admin = await t.login('admin');
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const poolSize = async () => Number((await t.hub.store.rows<{ n: number }>(sql`SELECT count(*) AS n FROM proxies`))[0]!.n);
  const fetchProxies = (body: Record<string, unknown>) => t.call('POST', '/xd/admin/proxies/fetch', { token: admin, body });
  const json = (body: unknown, status = 200): Answer => (res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const text = (body: string): Answer => (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(body);

  it('a JSON answer adds its proxies with provider, country and protocol', async () => {
    answer = json({ code: 0, success: true, msg: '', data: [{ ip: '127.0.1.1', port: 5001 }, { ip: '127.0.1.2', port: '5002' }] });
    const before = await poolSize();
    const res = await fetchProxies({ count: 2, country: 'us', protocol: 'socks5' });
    expect(res.body).toMatchObject({ code: 200, data: { created: 2 } });
    expect(await poolSize()).toBe(before + 2);
    const last = requests.at(-1)!;
    expect(Object.fromEntries(last.searchParams)).toMatchObject({ num: '2', regions: 'US', protocol: 'socks5' });
    const rows = (await t.call('GET', '/xd/admin/proxies?provider=ip2world&keyword=127.0.1.&pageSize=50', { token: admin })).body.data.rows;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ provider: 'ip2world', country: 'US', protocol: 'socks5', status: 'unknown', hasPassword: false });
  });

  it('text answers with LF and with CRLF add their lines', async () => {
    const before = await poolSize();
    answer = text('127.0.2.1:6001\n127.0.2.2:6002\n');
    expect((await fetchProxies({ count: 5, protocol: 'http' })).body.data).toEqual({ created: 2 });
    answer = text('127.0.3.1:7001\r\n127.0.3.2:7002\r\n127.0.3.3:7003');
    expect((await fetchProxies({ count: 5 })).body.data).toEqual({ created: 3 });
    expect(await poolSize()).toBe(before + 5);
    expect(requests.at(-1)!.searchParams.get('protocol')).toBe('socks5');
  });

  it.each<[string, Answer, RegExp]>([
    ['success:false', json({ code: 1, success: false, msg: 'balance insufficient', data: [] }), /balance insufficient/],
    ['a 500', (res) => res.writeHead(500).end('oops'), /HTTP 500/],
    ['a 404', (res) => res.writeHead(404).end(), /HTTP 404/],
    ['a hang', () => undefined, /no answer within 300 ms/],
    ['a malformed text line', text('127.0.4.1:8001\r\nnot a proxy\r\n'), /malformed line 2/],
    ['a malformed JSON entry', json({ code: 0, success: true, data: [{ ip: '127.0.4.2', port: 8002 }, { ip: '127.0.4.3' }] }), /malformed entry 2/],
    ['broken JSON', text('{"success": tru'), /not valid JSON/],
    ['an empty answer', text(''), /no proxies/],
  ])('%s is a 503 naming the provider and stores nothing', async (_what, reply, reason) => {
    answer = reply;
    const before = await poolSize();
    const res = await fetchProxies({ count: 2 });
    expect(res).toMatchObject({ status: 503, body: { code: 503, error: 'unavailable', msg: expect.stringMatching(/^proxy provider ip2world unavailable/) } });
    expect(res.body.msg).toMatch(reason);
    expect(res.body.msg).not.toContain('getProxyIp');
    expect(await poolSize()).toBe(before);
  });

  it('auto-assignment fetches from the provider when the pool has nothing free', async () => {
    answer = json({ code: 0, success: true, data: [{ ip: '127.0.5.1', port: 9001 }] });
    const accountId = Number((await t.hub.store.rows<{ id: number }>(sql`SELECT id FROM accounts WHERE phone = '+8613800000002'`))[0]!.id);
    const res = await t.call('POST', `/xd/admin/accounts/${accountId}/proxy/auto`, { token: admin, body: { country: 'DE' } });
    expect(res.body.data).toMatchObject({ host: '127.0.5.1', port: 9001, provider: 'ip2world', country: 'DE', accounts: 1 });
    expect(requests.at(-1)!.searchParams.get('num')).toBe('1');
    answer = (r) => r.writeHead(502).end();
    const failed = await t.call('POST', `/xd/admin/accounts/${accountId}/proxy/auto`, { token: admin, body: { country: 'FR' } });
    expect(failed.status).toBe(503);
  });
});
