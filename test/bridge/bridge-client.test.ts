import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError, createHttpBridgeClient } from '../../src/bridge/bridge-client.js';
import { createSandboxBridge } from '../../src/bridge/sandbox-bridge.js';
import { TEST_PROTOCOL_SECRET } from '../helpers/hub.js';

type Handler = (req: IncomingMessage, body: string) => { status: number; body: string | Buffer; type?: string } | Promise<never>;

const servers: Server[] = [];
async function fakeBridge(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const answer = await handler(req, Buffer.concat(chunks).toString());
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
      res.end(answer.body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('HTTP bridge client', () => {
  it('signs its calls so the bridge can verify them', async () => {
    const seen: unknown[] = [];
    const ids: unknown[] = [];
    const url = await fakeBridge((req, body) => {
      seen.push(new Webhook(TEST_PROTOCOL_SECRET).verify(body, req.headers as Record<string, string>));
      ids.push(req.headers['webhook-id']);
      return { status: 200, body: JSON.stringify({ msgId: 'b-1' }) };
    });
    const client = createHttpBridgeClient({ baseUrl: url, secret: TEST_PROTOCOL_SECRET });
    const request = { phone: '+1', to: 'wa-1', contentType: '1', content: 'hi', clientMsgId: 'c1' };
    expect(await client.send({ ...request, idempotencyKey: 'send_7_1700000000000' })).toEqual({ msgId: 'b-1' });
    // The key travels as the signed webhook-id (what a retry repeats), not in the body.
    expect(seen).toEqual([request]);
    expect(ids).toEqual(['msg_send_7_1700000000000']);
    await client.relogin('+1');
    expect(ids[1]).toMatch(/^msg_[0-9a-f-]{36}$/);
  });

  it('marks 5xx and timeouts retryable and 4xx final', async () => {
    const failing = createHttpBridgeClient({ baseUrl: await fakeBridge(() => ({ status: 502, body: 'down' })), secret: TEST_PROTOCOL_SECRET });
    await expect(failing.relogin('+1')).rejects.toMatchObject({ retryable: true, status: 502 });
    const refusing = createHttpBridgeClient({ baseUrl: await fakeBridge(() => ({ status: 400, body: 'bad phone' })), secret: TEST_PROTOCOL_SECRET });
    await expect(refusing.relogin('+1')).rejects.toMatchObject({ retryable: false, status: 400 });
    const hanging = createHttpBridgeClient({ baseUrl: await fakeBridge(() => new Promise<never>(() => undefined)), secret: TEST_PROTOCOL_SECRET, timeoutMs: 100 });
    const error = await hanging.relogin('+1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect((error as BridgeError).message).toMatch(/timed out after 100 ms/);
  });

  it('returns media bytes with their content type', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]);
    const client = createHttpBridgeClient({ baseUrl: await fakeBridge(() => ({ status: 200, body: bytes, type: 'image/jpeg' })), secret: TEST_PROTOCOL_SECRET });
    const media = await client.fetchMedia('+1', 'ref-1');
    expect(media.contentType).toBe('image/jpeg');
    expect(media.body.equals(bytes)).toBe(true);
  });
});

describe('sandbox bridge', () => {
  it('reports each send sent, then delivered', async () => {
    const reports: string[] = [];
    const done = new Promise<void>((resolve) => {
      const sandbox = createSandboxBridge({
        stepMs: 5,
        reportStatus: (r) => {
          reports.push(`${r.phone} ${r.status}`);
          if (r.status === 'delivered') {
            sandbox.close();
            resolve();
          }
        },
      });
      void sandbox.send({ phone: '+1', to: 'x', contentType: '1', content: 'hi', clientMsgId: 'c', idempotencyKey: 'k' }).then(({ msgId }) => expect(msgId).toMatch(/^sandbox-/));
    });
    await done;
    expect(reports).toEqual(['+1 sent', '+1 delivered']);
  });
});
