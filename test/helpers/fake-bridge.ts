// A real local HTTP server standing in for the protocol bridge, recording what it was asked.
import { createServer, type Server } from 'node:http';
import { serveOnLoopback } from './fake-http.js';

export interface FakeBridgeCall {
  path: string;
  body: any;
}

export interface FakeBridge {
  url: string;
  calls: FakeBridgeCall[];
  close(): Promise<void>;
}

export async function startFakeBridge(answer: (call: FakeBridgeCall, n: number) => { status: number; body?: unknown }): Promise<FakeBridge> {
  const calls: FakeBridgeCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const call = { path: req.url ?? '', body: text ? JSON.parse(text) : undefined };
      calls.push(call);
      const { status, body } = answer(call, calls.length);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? {}));
    });
  });
  return { ...(await serveOnLoopback(server)), calls };
}
