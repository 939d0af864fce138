// One health check of one proxy: open a TCP connection to it and speak its protocol (SOCKS5
// greeting, auth and CONNECT through the `socks` client; HTTP CONNECT by hand, it is two lines)
// to the check target, within a deadline. Never throws: a failure is `down` with its reason.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { SocksClient } from 'socks';

export interface ProxyEndpoint {
  host: string;
  port: number;
  protocol: string;
  username: string | null;
  password: string | null;
}

export interface CheckTarget {
  host: string;
  port: number;
}

export type CheckResult = { status: 'ok'; latencyMs: number } | { status: 'down'; reason: string };

export async function checkProxy(proxy: ProxyEndpoint, target: CheckTarget, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let socket: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  // The deadline covers the whole exchange, so a proxy that accepts TCP and then says nothing
  // costs one timer, never a stuck check.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const track = (s: Socket) => (socket = s);
    const tunnel = proxy.protocol === 'http' ? httpConnect(proxy, target, track) : socks5Connect(proxy, target, timeoutMs, track);
    tunnel.catch(() => undefined); // settled after the deadline: nobody is listening any more
    socket = await Promise.race([tunnel, deadline]);
    return { status: 'ok', latencyMs: Math.max(1, Math.round(performance.now() - started)) };
  } catch (error) {
    return { status: 'down', reason: describe(error as Error & { code?: string }) };
  } finally {
    clearTimeout(timer);
    socket?.destroy();
  }
}

function describe(error: Error & { code?: string }): string {
  const message = error.message || String(error);
  if (error.code === 'ECONNREFUSED' || /\bECONNREFUSED\b/.test(message)) return 'connection refused';
  // The socks client's wording, made plain for the console.
  if (/Socks5 Authentication failed/i.test(message)) return 'authentication failed (wrong username or password)';
  if (/no acceptable auth/i.test(message)) return 'authentication refused: the proxy accepts none of the offered methods';
  return message.slice(0, 200);
}

/** The hub opens the TCP connection itself and hands it to the socks client, so the deadline can always close it. */
async function socks5Connect(proxy: ProxyEndpoint, target: CheckTarget, timeoutMs: number, track: (socket: Socket) => void): Promise<Socket> {
  const raw = connect({ host: proxy.host, port: proxy.port });
  track(raw);
  await once(raw, 'connect');
  const { socket } = await SocksClient.createConnection({
    existing_socket: raw,
    command: 'connect',
    proxy: {
      host: proxy.host,
      port: proxy.port,
      type: 5,
      ...(proxy.username ? { userId: proxy.username, password: proxy.password ?? '' } : {}),
    },
    destination: { host: target.host, port: target.port },
    timeout: timeoutMs,
  });
  return socket;
}

/** `CONNECT host:port` and a 2xx status line; 407 means the credentials were refused. */
function httpConnect(proxy: ProxyEndpoint, target: CheckTarget, track: (socket: Socket) => void): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: proxy.host, port: proxy.port });
    track(socket);
    const authority = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
    const auth = proxy.username ? `Proxy-Authorization: Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}\r\n` : '';
    let head = '';
    socket.setEncoding('latin1');
    socket.once('connect', () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`));
    socket.on('error', reject);
    socket.once('close', () => reject(new Error('proxy closed the connection before answering')));
    socket.on('data', (chunk: string) => {
      head += chunk;
      const end = head.indexOf('\r\n');
      if (end < 0) {
        if (head.length > 8192) reject(new Error('proxy answered no HTTP status line'));
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.slice(0, end));
      if (!status) return reject(new Error('proxy answered no HTTP status line'));
      const code = Number(status[1]);
      if (code === 407) return reject(new Error('authentication failed (HTTP 407 from the proxy)'));
      if (code < 200 || code > 299) return reject(new Error(`proxy answered HTTP ${code} to CONNECT`));
      socket.removeAllListeners('data');
      resolve(socket);
    });
  });
}
