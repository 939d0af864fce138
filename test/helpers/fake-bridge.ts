// A real local HTTP server standing in for the protocol bridge, recording what it was asked.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { serveOnLoopback } from './fake-http.js';

export interface FakeBridgeCall {
  path: string;
  body: any;
  headers: IncomingHttpHeaders;
}

export interface FakeBridgeAnswer {
  status: number;
  body?: unknown;
  /** Answer this late (a caller with a shorter deadline never sees the answer). */
  delayMs?: number;
}

export interface FakeBridge {
  url: string;
  calls: FakeBridgeCall[];
  close(): Promise<void>;
}

export async function startFakeBridge(answer: (call: FakeBridgeCall, n: number) => FakeBridgeAnswer): Promise<FakeBridge> {
  const calls: FakeBridgeCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const call = { path: req.url ?? '', body: text ? JSON.parse(text) : undefined, headers: req.headers };
      calls.push(call);
      const { status, body, delayMs } = answer(call, calls.length);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body ?? {}));
      };
      if (delayMs === undefined) send();
      else setTimeout(send, delayMs);
    });
  });
  return { ...(await serveOnLoopback(server)), calls };
}
