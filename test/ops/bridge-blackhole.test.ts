// The bridge unreachable behind a partition (a blackhole: the connection opens, nothing comes
// back) while a seat sends: each reply ends `failed` with the reason after the retries, pushed
// and stored, and a hub process started on the same database after a crash sends none of them. A bridge
// that took a send but whose answer was lost sees the retry under the same webhook-id, so it
// performs the send once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/db/pg-store.js';
import { createSqliteStore } from '../../src/db/sqlite-store.js';
import { eventually, messageIn, ownedTargetIn } from '../messages/fixtures.js';
import { dropPgDatabase, freshPgDatabase, testEngine } from '../helpers/engine.js';
import { startFakeBridge, type FakeBridge, type FakeBridgeCall } from '../helpers/fake-bridge.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startHub } from '../helpers/hub.js';
import { startHubProcess } from '../helpers/hub-process.js';
import { collectEvents, connectSocket, waitFor, type ClientSocket } from '../helpers/sockets.js';

const TIMEOUT_MS = 300;
let seq = 0;
const clientMsgId = () => `bh-${Date.now()}-${++seq}`;

/** Receipts of /send per clientMsgId: what the bridge was asked, attempt by attempt. */
const receiptsOf = (bridge: FakeBridge, id: string): FakeBridgeCall[] => bridge.calls.filter((c) => c.path === '/send' && c.body.clientMsgId === id);

describe('a bridge that blackholes /send', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setup(answer: Parameters<typeof startFakeBridge>[0]) {
    const bridge = await startFakeBridge(answer);
    cleanup.push(() => bridge.close());
    const proxy: FaultProxy = await startFaultProxy({ port: Number(new URL(bridge.url).port) });
    cleanup.push(() => proxy.close());
    const dir = mkdtempSync(join(tmpdir(), 'hub-bridge-fault-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const env: Record<string, string> = { PROTOCOL_URL: `http://${proxy.address}`, BRIDGE_TIMEOUT_MS: String(TIMEOUT_MS) };
    if (testEngine === 'pg') {
      // The hub process and the hub restarted after it share one database, as they share the file.
      const url = await freshPgDatabase();
      cleanup.push(() => dropPgDatabase(url));
      env.DATABASE_URL = url;
    }
    const start = async () => {
      const hub = await startHub({ listen: true, dir, env });
      cleanup.push(() => hub.close());
      return hub;
    };
    return { bridge, proxy, dir, env, start };
  }

  it('fails each send with the reason after the retries, and a hub restarted after a crash sends none of them', async () => {
    const { bridge, proxy, dir, env, start } = await setup(() => ({ status: 200, body: { msgId: `b-${seq++}` } }));
    // The first hub runs in its own process, so that it can crash (SIGKILL) mid-retry.
    const first = await startHubProcess(dir, env);
    cleanup.push(() => first.kill());
    const login = await fetch(`${first.url}/xd/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'seat1', password: 'seat1123' }) });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    const socket: ClientSocket = await connectSocket(first.url, token);
    cleanup.push(() => void socket.close());
    const updates = collectEvents(socket, 'message:updated');
    // Reads the crashing hub's database beside it, read-only on SQLite.
    const peek = env.DATABASE_URL ? await openPgStore(env.DATABASE_URL) : createSqliteStore(new Database(join(dir, 'hub.db'), { readonly: true }));
    cleanup.push(() => peek.close());
    const target = await ownedTargetIn(peek, 'seat1');
    const body = (id: string, content: string) => ({ accountId: target.accountIdText, receId: target.receId, contentType: '1', content, clientMsgId: id });
    const sendTo = async (url: string, id: string, content: string) => {
      const answer = await fetch(`${url}/xd/client/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json', token }, body: JSON.stringify(body(id, content)) });
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { data: { msgId: string; status: string } }).data;
    };

    proxy.setMode('blackhole');
    const ids = [clientMsgId(), clientMsgId(), clientMsgId()];
    const sent = await Promise.all(ids.map((id, i) => sendTo(first.url, id, `into the void ${i}`)));
    for (const reply of sent) expect(reply.status).toBe('pending');
    // 4 attempts of TIMEOUT_MS each plus 250 + 500 + 1000 ms of backoff.
    await waitFor(() => sent.every((r) => updates.some((u) => u.msgId === r.msgId && u.status === 'failed')), 10_000, 'failed pushes');
    for (const reply of sent) {
      const pushed = updates.filter((u) => u.msgId === reply.msgId);
      expect(pushed).toEqual([expect.objectContaining({ status: 'failed', reason: expect.stringMatching(new RegExp(`/send: timed out after ${TIMEOUT_MS} ms`)) })]);
      expect(await messageIn(peek, reply.msgId)).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/timed out/) });
    }
    // One more, caught mid-retry by a crash.
    const inFlight = clientMsgId();
    const interrupted = await sendTo(first.url, inFlight, 'interrupted');
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 100));
    await first.kill();

    // The partition ends (its connections reset, what they held is gone) and a new hub process
    // opens the same database: it sends none of them, neither on start nor when the seat repeats one.
    proxy.setMode('close');
    proxy.setMode('pass');
    const second = await start();
    expect((await messageIn(second.hub.store, interrupted.msgId))?.status).toBe('pending');
    const again = await sendTo(second.url, ids[0]!, 'into the void 0');
    expect(again).toEqual({ msgId: sent[0]!.msgId, status: 'failed' });
    // A fresh reply goes through, so the bridge is reachable and the silence above means something.
    const fresh = clientMsgId();
    const live = await sendTo(second.url, fresh, 'after the partition');
    await eventually(async () => (await messageIn(second.hub.store, live.msgId))?.status === 'sent', 5000, 'fresh reply sent');
    await new Promise((r) => setTimeout(r, 500));
    for (const id of [...ids, inFlight]) expect(receiptsOf(bridge, id)).toEqual([]);
    expect(receiptsOf(bridge, fresh)).toHaveLength(1);
    // Left pending, it is failed by the stale sweep later (never re-sent).
    expect((await messageIn(second.hub.store, interrupted.msgId))?.status).toBe('pending');
  }, 40_000);

  it('sends once when the bridge took a send but its answer was lost', async () => {
    // A bridge that dedupes on the signed webhook-id, as Standard Webhooks asks of receivers:
    // the first attempt is performed but answered too late; a retry with the same id gets the
    // first result without a second send.
    const performed = new Map<string, string>();
    const { bridge, start } = await setup((call) => {
      if (call.path !== '/send') return { status: 200 };
      const key = String(call.headers['webhook-id']);
      const known = performed.get(key);
      if (known) return { status: 200, body: { msgId: known } };
      const msgId = `b-${performed.size + 1}`;
      performed.set(key, msgId);
      return { status: 200, body: { msgId }, delayMs: TIMEOUT_MS * 3 };
    });
    const hub = await start();
    const token = await hub.login('seat1');
    const target = await ownedTargetIn(hub.hub.store, 'seat1');
    const id = clientMsgId();
    const answer = await hub.call('POST', '/xd/client/sendMessage', { token, body: { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'once only', clientMsgId: id } });
    const msgId = answer.body.data.msgId as string;
    await eventually(async () => (await messageIn(hub.hub.store, msgId))?.status === 'sent', 10_000, 'sent');
    const receipts = receiptsOf(bridge, id);
    expect(receipts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(receipts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(performed.size).toBe(1);
    expect((await messageIn(hub.hub.store, msgId))?.bridgeMsgId).toBe('b-1');
  }, 30_000);
});
