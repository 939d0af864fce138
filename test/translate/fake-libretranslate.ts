// A real HTTP server on port 0 standing in for LibreTranslate; its behaviour is switchable.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Mode = 'ok' | 'fail' | 'garbage' | 'slow' | 'noField';

export interface FakeTranslator {
  url: string;
  mode: Mode;
  requests: { q: string; source: string; target: string; format: string }[];
  close(): Promise<void>;
}

export async function startFakeTranslator(): Promise<FakeTranslator> {
  const pending = new Set<ServerResponse>();
  const fake: FakeTranslator = {
    url: '',
    mode: 'ok',
    requests: [],
    close: () =>
      new Promise((resolve) => {
        for (const res of pending) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/translate') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw);
      fake.requests.push(body);
      switch (fake.mode) {
        case 'ok': {
          const detected = body.source === 'auto' ? { detectedLanguage: { language: 'zh', confidence: 90 } } : {};
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ translatedText: `[${body.target}] ${body.q}`, ...detected }));
          return;
        }
        case 'fail':
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'model crashed' }));
          return;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>');
          return;
        case 'noField':
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ translated: 'x' }));
          return;
        case 'slow':
          // Never answers: the hub's deadline has to end the wait.
          pending.add(res);
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
