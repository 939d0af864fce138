// The fault proxy does what fault tests rely on: each mode against a plain echo server.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

function reader(socket: Socket) {
  let text = '';
  socket.on('data', (chunk: Buffer) => void (text += chunk.toString()));
  return {
    get text() {
      return text;
    },
    until: (expected: string, timeoutMs = 2000) =>
      new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const check = setInterval(() => {
          if (text === expected) {
            clearInterval(check);
            resolve(Date.now() - started);
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(check);
            reject(new Error(`got ${JSON.stringify(text)}, wanted ${JSON.stringify(expected)}`));
          }
        }, 5);
      }),
  };
}

describe('fault proxy', () => {
  let echo: Server;
  let proxy: FaultProxy;
  let client: Socket | undefined;
  const open = () =>
    new Promise<Socket>((resolve) => {
      const socket = createConnection({ port: proxy.port, host: '127.0.0.1' }, () => resolve(socket));
      socket.on('error', () => undefined);
      client = socket;
    });

  beforeEach(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startFaultProxy({ port: (echo.address() as { port: number }).port });
  });
  afterEach(async () => {
    client?.destroy();
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('passes bytes both ways', async () => {
    const socket = await open();
    const got = reader(socket);
    socket.write('hello');
    await got.until('hello');
    expect(proxy.connections()).toBe(1);
  });

  it('blackholes without closing, then delivers what it held in order once healed', async () => {
    const socket = await open();
    const got = reader(socket);
    proxy.setMode('blackhole');
    socket.write('a');
    socket.write('b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(got.text).toBe('');
    expect(socket.destroyed).toBe(false);
    proxy.setMode('pass');
    await got.until('ab');
  });

  it('closes open connections and refuses new ones', async () => {
    const socket = await open();
    const closed = new Promise((resolve) => socket.once('close', resolve));
    proxy.setMode('close');
    await closed;
    const next = await open();
    await new Promise((resolve) => next.once('close', resolve));
    expect(proxy.connections()).toBe(0);
  });

  it('slows every chunk by the delay', async () => {
    const socket = await open();
    const got = reader(socket);
    proxy.setMode('slow', { delayMs: 150 });
    socket.write('x');
    // Two hops through the proxy (there and back), each delayed.
    expect(await got.until('x')).toBeGreaterThanOrEqual(280);
  });
});
