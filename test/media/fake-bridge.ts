// A real HTTP server on port 0 standing in for the bridge's POST /media, checking signatures.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

// A 1×1 PNG, as a bridge would hand back for an image.
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export type BridgeMode = 'ok' | 'fail' | 'slow' | 'html';

export interface FakeBridge {
  url: string;
  mode: BridgeMode;
  /** Delay before answering in `ok` mode, standing in for a large download. */
  latencyMs: number;
  requests: { phone: string; mediaRef: string }[];
  badSignatures: number;
  close(): Promise<void>;
}

export async function startFakeBridge(secret: string): Promise<FakeBridge> {
  const webhook = new Webhook(secret);
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      try {
        webhook.verify(raw, req.headers as Record<string, string>);
      } catch {
        fake.badSignatures++;
        res.writeHead(401).end();
        return;
      }
      if (req.url !== '/media') {
        res.writeHead(404).end();
        return;
      }
      fake.requests.push(JSON.parse(raw));
      switch (fake.mode) {
        case 'ok':
          setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG), fake.latencyMs);
          return;
        case 'fail':
          res.writeHead(502, { 'content-type': 'text/plain' }).end('account offline');
          return;
        case 'html':
          res.writeHead(200, { 'content-type': 'image/png' }).end('<svg onload="alert(1)"></svg>');
          return;
        case 'slow':
          held.add(res);
          return;
      }
    });
  });
  const fake: FakeBridge = {
    url: '',
    mode: 'ok',
    latencyMs: 0,
    requests: [],
    badSignatures: 0,
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
