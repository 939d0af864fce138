// A real local HTTP server standing in for a bridge's REST API: it records every call (method,
// path with query, headers, parsed JSON body) and answers through the test's handler.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface FakeCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  /** Defaults to application/json (the body is JSON-encoded); a Buffer is sent as is. */
  type?: string;
}

export interface FakeHttp {
  url: string;
  calls: FakeCall[];
  close(): Promise<void>;
}

export async function startFakeHttp(answer: (call: FakeCall) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeHttp> {
  const calls: FakeCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const call = { method: req.method ?? 'GET', path: req.url ?? '', headers: req.headers, body };
      calls.push(call);
      const reply = await answer(call);
      res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json' });
      res.end(Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body ?? {}));
    });
  });
  return { ...(await serveOnLoopback(server)), calls };
}

/** Listens on a free loopback port; `close` also drops kept-alive connections. */
export async function serveOnLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A 1×1 PNG: a real image for QR codes and originals. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The calendar day of `ms` in the hub's default zone, for history queries. */
export const shanghaiDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(ms);
