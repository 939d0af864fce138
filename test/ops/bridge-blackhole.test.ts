// The bridge unreachable behind a partition (a blackhole: the connection opens, nothing comes
// back) while a seat sends: each reply ends `failed` with the reason after the retries, pushed
// and stored, and a hub started again on the same database sends none of them (again). A bridge
// that took a send but whose answer was lost sees the retry under the same webhook-id, so it
// performs the send once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messageRow, ownedTarget } from '../messages/fixtures.js';
import { startFakeBridge, type FakeBridge, type FakeBridgeCall } from '../helpers/fake-bridge.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startHub, type TestHub } from '../helpers/hub.js';
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
    const env = { PROTOCOL_URL: `http://${proxy.address}`, BRIDGE_TIMEOUT_MS: String(TIMEOUT_MS) };
    const start = async () => {
      const hub = await startHub({ listen: true, dir, env });
      cleanup.push(() => hub.close());
      return hub;
    };
    return { bridge, proxy, start };
  }

  it('fails each send with the reason after the retries, and a restarted hub sends none of them', async () => {
    const { bridge, proxy, start } = await setup(() => ({ status: 200, body: { msgId: `b-${seq++}` } }));
    const first: TestHub = await start();
    const token = await first.login('seat1');
    const socket: ClientSocket = await connectSocket(first.url, token);
    cleanup.push(() => void socket.close());
    const updates = collectEvents(socket, 'message:updated');
    const target = ownedTarget(first.hub.database.db, 'seat1');
    const send = async (hub: TestHub, id: string, content: string) => {
      const answer = await hub.call('POST', '/xd/client/sendMessage', { token, body: { accountId: target.accountIdText, receId: target.receId, contentType: '1', content, clientMsgId: id } });
      expect(answer.status).toBe(200);
      return answer.body.data as { msgId: string; status: string };
    };

    proxy.setMode('blackhole');
    const ids = [clientMsgId(), clientMsgId(), clientMsgId()];
    const sent = await Promise.all(ids.map((id, i) => send(first, id, `into the void ${i}`)));
    for (const reply of sent) expect(reply.status).toBe('pending');
    // 4 attempts of TIMEOUT_MS each plus 250 + 500 + 1000 ms of backoff.
    await waitFor(() => sent.every((r) => updates.some((u) => u.msgId === r.msgId && u.status === 'failed')), 10_000, 'failed pushes');
    for (const reply of sent) {
      const pushed = updates.filter((u) => u.msgId === reply.msgId);
      expect(pushed).toEqual([expect.objectContaining({ status: 'failed', reason: expect.stringMatching(new RegExp(`/send: timed out after ${TIMEOUT_MS} ms`)) })]);
      expect(messageRow(first.hub.database.db, reply.msgId)).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/timed out/) });
    }
    // One more caught mid-retry by the stop: it stays pending, it is not failed for a stop.
    const inFlight = clientMsgId();
    const interrupted = await send(first, inFlight, 'interrupted');
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 100));
    socket.close();
    await first.hub.close();

    // The partition ends (its connections reset, what they held is gone) and a new hub opens
    // the same database: it sends none of them, neither on start nor when the seat repeats one.
    proxy.setMode('close');
    proxy.setMode('pass');
    const second = await start();
    expect(messageRow(second.hub.database.db, interrupted.msgId)?.status).toBe('pending');
    const again = await send(second, ids[0]!, 'into the void 0');
    expect(again).toEqual({ msgId: sent[0]!.msgId, status: 'failed' });
    // A fresh reply goes through, so the bridge is reachable and the silence above means something.
    const fresh = clientMsgId();
    const live = await send(second, fresh, 'after the partition');
    await waitFor(() => messageRow(second.hub.database.db, live.msgId)?.status === 'sent', 5000, 'fresh reply sent');
    await new Promise((r) => setTimeout(r, 500));
    for (const id of [...ids, inFlight]) expect(receiptsOf(bridge, id)).toEqual([]);
    expect(receiptsOf(bridge, fresh)).toHaveLength(1);
    expect(messageRow(second.hub.database.db, interrupted.msgId)?.status).toBe('pending');
  }, 30_000);

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
    const target = ownedTarget(hub.hub.database.db, 'seat1');
    const id = clientMsgId();
    const answer = await hub.call('POST', '/xd/client/sendMessage', { token, body: { accountId: target.accountIdText, receId: target.receId, contentType: '1', content: 'once only', clientMsgId: id } });
    const msgId = answer.body.data.msgId as string;
    await waitFor(() => messageRow(hub.hub.database.db, msgId)?.status === 'sent', 10_000, 'sent');
    const receipts = receiptsOf(bridge, id);
    expect(receipts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(receipts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(performed.size).toBe(1);
    expect(messageRow(hub.hub.database.db, msgId)?.bridgeMsgId).toBe('b-1');
  }, 30_000);
});
