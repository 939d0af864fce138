// Real proxies on loopback for the checks: a SOCKS5 server (RFC 1928 greeting and CONNECT,
// RFC 1929 username/password), an HTTP CONNECT proxy, a server that accepts TCP and says
// nothing, and the target they tunnel to. Each records what it was asked.
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Listening {
  port: number;
  /** host:port destinations the proxy was asked to reach, or peers the target accepted. */
  seen: string[];
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>, seen: string[]): Promise<Listening> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The place every check tunnels to: accepts and holds connections. */
export function startTarget(): Promise<Listening> {
  const seen: string[] = [];
  const server = createServer((s) => seen.push(`${s.remoteAddress}`));
  return listen(server, new Set(), seen);
}

/** Accepts TCP and never answers a byte. */
export function startSilent(): Promise<Listening> {
  const seen: string[] = [];
  const server = createServer((s) => seen.push('connection'));
  return listen(server, new Set(), seen);
}

/** A SOCKS5 server; with `auth`, only that username and password get through. */
export function startSocks5(auth?: { username: string; password: string }): Promise<Listening> {
  const seen: string[] = [];
  const server = createServer((client) => {
    let buffer = Buffer.alloc(0);
    let stage: 'greeting' | 'auth' | 'request' | 'piped' = 'greeting';
    const take = (n: number) => {
      const head = buffer.subarray(0, n);
      buffer = buffer.subarray(n);
      return head;
    };
    client.on('data', (chunk: Buffer) => {
      if (stage === 'piped') return;
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (stage === 'greeting') {
          if (buffer.length < 2 || buffer.length < 2 + buffer[1]!) return;
          const methods = [...take(2 + buffer[1]!).subarray(2)];
          const wanted = auth ? 0x02 : 0x00;
          if (!methods.includes(wanted)) return void client.end(Buffer.from([0x05, 0xff]));
          client.write(Buffer.from([0x05, wanted]));
          stage = auth ? 'auth' : 'request';
        } else if (stage === 'auth') {
          if (buffer.length < 2) return;
          const ulen = buffer[1]!;
          if (buffer.length < 3 + ulen || buffer.length < 3 + ulen + buffer[2 + ulen]!) return;
          const plen = buffer[2 + ulen]!;
          const packet = take(3 + ulen + plen);
          const username = packet.subarray(2, 2 + ulen).toString();
          const password = packet.subarray(3 + ulen).toString();
          if (username !== auth!.username || password !== auth!.password) return void client.end(Buffer.from([0x01, 0x01]));
          client.write(Buffer.from([0x01, 0x00]));
          stage = 'request';
        } else {
          if (buffer.length < 5) return;
          const atyp = buffer[3]!;
          const addrLen = atyp === 0x01 ? 4 : atyp === 0x04 ? 16 : 1 + buffer[4]!;
          if (buffer.length < 4 + addrLen + 2) return;
          const packet = take(4 + addrLen + 2);
          const addr = packet.subarray(4, 4 + addrLen);
          const host = atyp === 0x01 ? [...addr].join('.') : atyp === 0x03 ? addr.subarray(1).toString() : '::1';
          const port = packet.readUInt16BE(4 + addrLen);
          seen.push(`${host}:${port}`);
          stage = 'piped';
          const upstream = connect({ host, port });
          upstream.once('connect', () => {
            client.write(Buffer.from([0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0, 0]));
            upstream.pipe(client).pipe(upstream);
          });
          upstream.once('error', () => client.end(Buffer.from([0x05, 0x05, 0x00, 0x01, 0, 0, 0, 0, 0, 0])));
          client.once('close', () => upstream.destroy());
          return;
        }
      }
    });
  });
  return listen(server, new Set(), seen);
}

/** An HTTP proxy that answers CONNECT; with `auth`, a wrong Proxy-Authorization gets 407. */
export function startHttpConnectProxy(auth?: { username: string; password: string }): Promise<Listening> {
  const seen: string[] = [];
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: IncomingMessage, client: Socket) => {
    seen.push(req.url ?? '');
    client.on('error', () => undefined);
    const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
    if (expected && req.headers['proxy-authorization'] !== expected) {
      return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect({ host: host!, port: Number(port) });
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    upstream.once('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.once('close', () => upstream.destroy());
  });
  return listen(server as unknown as Server, new Set(), seen);
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
