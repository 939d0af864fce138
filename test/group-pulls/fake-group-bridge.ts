// A local bridge speaking the hub protocol's group calls: verifies each call's signature,
// records it, and answers through a handler that may also hang or fail. It can be stopped and
// started again on the same port (a bridge outage).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { TEST_PROTOCOL_SECRET } from '../helpers/hub.js';

export interface GroupCall {
  path: string;
  body: { phone: string; name?: string; groupId?: string; members: string[] };
  at: number;
}

/** `count` E.164 numbers: prefix then a 5-digit running number from 00001. */
export function numbers(count: number, prefix = '+86139000'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(5, '0')}`);
}

/** `undefined` leaves the call hanging. */
export type GroupAnswer = (call: GroupCall, n: number) => { status: number; body?: unknown } | undefined;

/** Adds everyone, as a bridge on a good day would. */
export const addEveryone: GroupAnswer = (call) => ({
  status: 200,
  body: { ...(call.path === '/group/create' ? { groupId: 'g-1@g.us' } : {}), results: call.body.members.map((member) => ({ member, state: 'added' })) },
});

export interface FakeGroupBridge {
  url: string;
  calls: GroupCall[];
  answer: GroupAnswer;
  /** Members of every call the bridge received, in order. */
  sent(): string[];
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function startFakeGroupBridge(answer: GroupAnswer = addEveryone): Promise<FakeGroupBridge> {
  const webhook = new Webhook(TEST_PROTOCOL_SECRET);
  const calls: GroupCall[] = [];
  const hanging = new Set<ServerResponse>();
  let port = 0;
  let server: Server;
  const bridge: FakeGroupBridge = {
    url: '',
    calls,
    answer,
    sent: () => calls.flatMap((c) => c.body.members),
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
    async restart() {
      await listen();
    },
  };
  async function listen() {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        try {
          webhook.verify(text, req.headers as Record<string, string>);
        } catch {
          res.writeHead(401).end('{}');
          return;
        }
        const call = { path: req.url ?? '', body: JSON.parse(text), at: Date.now() };
        calls.push(call);
        const reply = bridge.answer(call, calls.length);
        if (!reply) {
          hanging.add(res);
          return;
        }
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    bridge.url = `http://127.0.0.1:${port}`;
  }
  await listen();
  return bridge;
}
