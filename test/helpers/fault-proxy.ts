// A TCP proxy on a free port that a test points a client at (Redis, a bridge…) to inject faults:
//   pass       forward both ways
//   close      drop every open connection and refuse new ones (accepted, then closed)
//   blackhole  keep connections open but stop forwarding, both ways (a partition: nothing is
//              lost, it is held until the mode is `pass` again, as TCP would retransmit it)
//   slow       forward each chunk after `delayMs`
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type FaultMode = 'pass' | 'close' | 'blackhole' | 'slow';

export interface FaultProxy {
  port: number;
  /** `redis://127.0.0.1:<port>`-style base, without scheme: `127.0.0.1:<port>`. */
  address: string;
  readonly mode: FaultMode;
  setMode(mode: FaultMode, options?: { delayMs?: number }): void;
  /** Connections currently open through the proxy. */
  connections(): number;
  close(): Promise<void>;
}

interface Pipe {
  client: Socket;
  upstream: Socket;
  held: Array<() => void>;
}

export async function startFaultProxy(target: { host?: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let delayMs = 0;
  const pipes = new Set<Pipe>();

  const forward = (pipe: Pipe, from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (mode === 'blackhole' || pipe.held.length > 0) {
        // Hold (and stop reading) until the partition heals; keeps the byte order.
        pipe.held.push(send);
        from.pause();
      } else if (mode === 'slow') {
        setTimeout(send, delayMs);
      } else {
        send();
      }
    });
  };

  const destroy = (pipe: Pipe) => {
    pipes.delete(pipe);
    pipe.client.destroy();
    pipe.upstream.destroy();
  };

  const server: Server = createServer((client) => {
    if (mode === 'close') {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: target.host ?? '127.0.0.1', port: target.port });
    const pipe: Pipe = { client, upstream, held: [] };
    pipes.add(pipe);
    forward(pipe, client, upstream);
    forward(pipe, upstream, client);
    for (const side of [client, upstream]) {
      side.on('error', () => destroy(pipe));
      side.on('close', () => destroy(pipe));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('fault proxy did not bind');

  return {
    port: address.port,
    address: `127.0.0.1:${address.port}`,
    get mode() {
      return mode;
    },
    setMode(next, options = {}) {
      mode = next;
      delayMs = options.delayMs ?? delayMs;
      if (next === 'close') for (const pipe of [...pipes]) destroy(pipe);
      if (next === 'pass' || next === 'slow') {
        for (const pipe of pipes) {
          for (const send of pipe.held.splice(0)) send();
          pipe.client.resume();
          pipe.upstream.resume();
        }
      }
    },
    connections: () => pipes.size,
    async close() {
      for (const pipe of [...pipes]) destroy(pipe);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
