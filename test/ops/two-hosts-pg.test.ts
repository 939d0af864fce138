// The rehearsal of a two-host deployment: two hub processes with no file in common, one
// PostgreSQL and one Redis. Seats on both, callbacks to both, a transfer raced from both hosts
// and an account moved between seats held on different hosts: every answer and push as on one
// host with SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { killHubProcesses, startHubProcess, type HubProcess } from '../helpers/hub-process.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { collectEvents, connectSocket, nextEvent, waitFor, type ClientSocket } from '../helpers/sockets.js';

async function api(host: HubProcess, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${host.url}${path}`, {
    method,
    headers: { ...(token ? { token } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

async function login(host: HubProcess, username: string): Promise<string> {
  const { status, body } = await api(host, 'POST', '/xd/auth/login', undefined, { username, password: `${username}123` });
  if (status !== 200) throw new Error(`login ${username}: ${status} ${JSON.stringify(body)}`);
  return body.data.token as string;
}

describe('two hosts on one PostgreSQL and one Redis', () => {
  let cluster: PrivatePostgres;
  let redis: PrivateRedis;
  let sql: pg.Client;
  let a: HubProcess;
  let b: HubProcess;
  const dirs: string[] = [];
  const sockets: ClientSocket[] = [];
  const ids: Record<string, string> = {};
  const phone = '+8613800000001';

  beforeAll(async () => {
    [cluster, redis] = await Promise.all([startPostgres(), startRedis()]);
    const env = { DATABASE_URL: cluster.url, REDIS_URL: redis.url };
    const host = async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hub-host-'));
      dirs.push(dir);
      return startHubProcess(dir, env);
    };
    // Both at once: migrations and the first-run seed must take turns by themselves.
    [a, b] = await Promise.all([host(), host()]);
    sql = new pg.Client({ connectionString: cluster.url });
    await sql.connect();
    for (const { id, username } of (await sql.query<{ id: string; username: string }>('SELECT id::text, username FROM users')).rows) ids[username] = id;
  }, 90_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await sql?.end();
    killHubProcesses();
    await redis?.stop();
    await cluster?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (host: HubProcess, username: string) => {
    const socket = await connectSocket(host.url, await login(host, username));
    sockets.push(socket);
    return socket;
  };

  it('seeds the organisation once although both hosts started together', async () => {
    const { rows } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE username = 'seat1'");
    expect(rows[0]!.n).toBe(1);
    expect(Object.keys(ids)).toEqual(expect.arrayContaining(['master', 'seat1', 'seat2', 'branch1']));
  });

  it('stores callbacks taken by either host once, and pushes them to the seat on the other with seq 1..N', async () => {
    const seat = await connect(b, 'seat1');
    const pushes = collectEvents(seat, 'message:new');
    // A first-seen target's message also takes a number for its fans:count push.
    const fanPushes = collectEvents(seat, 'fans:count');
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const message = inboundMessage({ phone, from: { id: 'wa-rehearsal', name: 'Rehearsal' }, content: `r${i}` });
      // Every message twice, once to each host: the database keeps one.
      const answers = await Promise.all([postCallback(null, 'messageCallback', message, { url: a.url }), postCallback(null, 'messageCallback', message, { url: b.url })]);
      for (const answer of answers) expect(answer.status).toBe(200);
      sent.push(message.content);
    }
    await waitFor(() => pushes.length >= 20, 10_000, '20 pushes');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pushes.map((p) => p.message.content)).toEqual(sent);
    const seqs = [...pushes.map((p) => p.seq), ...fanPushes.map((p) => p.seq)].sort((x, y) => x! - y!);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const { rows } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM messages m JOIN targets t ON t.id = m.target_id WHERE t.platform_uid = 'wa-rehearsal'");
    expect(rows[0]!.n).toBe(20);
  });

  it('lets exactly one of two transfers of one target, raced from both hosts, win', async () => {
    const token = await login(a, 'seat1');
    const { rows } = await sql.query<{ id: string }>(
      "SELECT t.id::text AS id FROM targets t JOIN conversations c ON c.target_id = t.id WHERE t.platform_uid = 'wa-rehearsal' AND c.seat_id = $1",
      [ids.seat1],
    );
    const receId = rows[0]!.id;
    const answers = await Promise.all([
      api(a, 'POST', '/xd/client/transfer', token, { receId, toCustServId: ids.seat2 }),
      api(b, 'POST', '/xd/client/transfer', token, { receId, toCustServId: ids.seat2 }),
    ]);
    // The second to commit finds the target no longer seat1's: refused, not moved twice.
    const statuses = answers.map((x) => x.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses[1]).toBeGreaterThanOrEqual(400);
    expect(statuses[1]).toBeLessThan(500);
    const owner = await sql.query<{ seat: string }>('SELECT seat_id::text AS seat FROM conversations WHERE target_id = $1', [receId]);
    expect(owner.rows.map((r) => r.seat)).toEqual([ids.seat2]);
    const transfers = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM transfers WHERE target_id = $1', [receId]);
    expect(transfers.rows[0]!.n).toBe(1);
  });

  it('moves an account between seats held on different hosts, live', async () => {
    const master = await login(a, 'master');
    const oldSeat = await connect(a, 'seat1');
    const newSeat = await connect(b, 'seat2');
    const account = await sql.query<{ id: string }>('SELECT id::text AS id FROM accounts WHERE phone = $1', [phone]);
    const accountId = account.rows[0]!.id;
    const gone = nextEvent(oldSeat, 'account:unassigned');
    const got = nextEvent(newSeat, 'account:assigned');
    const moved = await api(b, 'PUT', `/xd/admin/accounts/${accountId}`, master, { seatId: ids.seat2 });
    expect(moved.status).toBe(200);
    expect((await gone).accountId).toBe(accountId);
    expect(await got).toMatchObject({ accountId, phone });
    // The next callback, taken by the host the old seat is on, reaches only the new seat.
    const next = nextEvent(newSeat, 'message:new');
    const oldPushes = collectEvents(oldSeat, 'message:new');
    expect((await postCallback(null, 'messageCallback', inboundMessage({ phone, from: { id: 'wa-rehearsal' }, content: 'after the move' }), { url: a.url })).status).toBe(200);
    expect((await next).message.content).toBe('after the move');
    expect(oldPushes).toEqual([]);
    // And the old seat is refused the account's data on either host.
    const oldToken = await login(b, 'seat1');
    const accounts = await api(b, 'POST', '/xd/client/getAccounts', oldToken, {});
    expect(accounts.body.data.map((x: { phone: string }) => x.phone)).not.toContain(phone);
  });
});
