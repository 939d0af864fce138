// The callback generator (pipelined raw HTTP, raw Engine.IO listeners) must count what really
// happened: answers framed right however they are split, failures named, pushes matched to
// their callbacks, and a push that never comes reported as not delivered.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubListeners, deliveryProblem, DEMO_PHONE } from '../../scripts/bench/lib/listeners.js';
import { callbackLoad } from '../../scripts/bench/lib/load.js';
import { PROTOCOL_SECRET } from '../../scripts/bench/lib/http.js';
import { Pipeline } from '../../scripts/bench/lib/sender.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/sockets.js';

/** A server that answers each request it reads with `answer(i)`, written one byte at a time. */
async function rawServer(answer: (i: number) => string): Promise<{ url: string; close(): Promise<void> }> {
  let served = 0;
  const server = net.createServer((socket) => {
    let pending = '';
    socket.on('data', async (chunk) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) break;
        pending = pending.slice(end + 4 + length);
        const text = answer(served++);
        for (const byte of Buffer.from(text)) socket.write(Buffer.from([byte]));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const request = Buffer.from('POST /x HTTP/1.1\r\nhost: h\r\ncontent-length: 2\r\n\r\n{}');

async function send(url: string, count: number) {
  const statuses: number[] = [];
  const bodies: string[] = [];
  const failures: string[] = [];
  const pipeline = await Pipeline.open(url, 1, (status, body) => (statuses.push(status), bodies.push(body)), (why) => failures.push(why));
  const bytes = Buffer.concat(Array.from({ length: count }, () => request));
  for (let i = 0; i < count; i++) pipeline.queue(i * request.length, (i + 1) * request.length);
  pipeline.flush(bytes);
  await waitFor(() => statuses.length + failures.length === count, 5000, `${count} answers`);
  pipeline.close();
  return { statuses, bodies, failures };
}

describe('bench generator', () => {
  it('frames pipelined answers split byte by byte, Content-Length and chunked alike', async () => {
    const server = await rawServer((i) =>
      i % 2 === 0
        ? 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello'
        : 'HTTP/1.1 503 Service Unavailable\r\ntransfer-encoding: chunked\r\n\r\n4\r\nbusy\r\n0\r\n\r\n',
    );
    const { statuses, bodies, failures } = await send(server.url, 6);
    await server.close();
    expect(statuses).toEqual([200, 503, 200, 503, 200, 503]);
    expect(bodies.filter((_, i) => statuses[i] === 503)).toEqual(['busy', 'busy', 'busy']);
    expect(failures).toEqual([]);
  });

  it('fails an answer it cannot frame instead of guessing, and every request left on that connection', async () => {
    const server = await rawServer(() => 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nno length');
    const { statuses, failures } = await send(server.url, 3);
    await server.close();
    expect(statuses).toEqual([]);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(/without Content-Length or chunked framing/);
  });

  describe('against the hub', () => {
    let t: TestHub;
    beforeAll(async () => {
      t = await startHub({ listen: true, env: { PROTOCOL_SECRET } });
    });
    afterAll(() => t.close());

    it('counts every signed callback accepted and pushed to the seat and its watching supervisor', async () => {
      const listening = await hubListeners(t.url);
      try {
        const r = await callbackLoad({ url: t.url, phone: DEMO_PHONE, rate: 200, seconds: 0.5, listeners: listening.listeners });
        expect(r.httpErrors).toEqual([]);
        expect(r.accepted).toBe(r.sent);
        expect(r.delivered).toBe(1);
        expect(r.histogram.totalCount).toBe(r.sent * 2);
      } finally {
        listening.close();
      }
    });

    it('reports callbacks whose pushes never reach the listener', async () => {
      const listening = await hubListeners(t.url, { supervisor: false });
      try {
        // seat1 listens; the callbacks are for seat2's account.
        expect(await deliveryProblem(t.url, listening.listeners, '+8613800000003')).toMatch(/not delivered to seat/);
      } finally {
        listening.close();
      }
    });
  });
});
