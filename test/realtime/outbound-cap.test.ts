// A client that stops reading cannot make the hub hold its pushes: past the outbound limit its
// socket is dropped at once, while a client reading the same pushes is untouched.
import type { Socket as NetSocket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageNewPayload } from '../../src/realtime/events.js';
import { rooms } from '../../src/realtime/rooms.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { appliedThrough, catchUp } from '../helpers/catch-up.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { realtimeSetups, type RealtimeEnv } from '../helpers/setups.js';
import { collectEvents, connectSocket, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { userIdIn } from '../messages/fixtures.js';

/** The TCP socket under a socket.io-client WebSocket: pausing it stops reading, as a stalled client would. */
const tcpOf = (socket: ClientSocket): NetSocket => (socket.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;

const payload = (content: string): MessageNewPayload => ({
  accountId: '1',
  receId: '1',
  receName: 'Big',
  convType: 'stranger',
  message: { msgId: '1', contentType: '1', content, sendTime: '', sendTimeMs: 0, sender: 1, contReadState: '0', status: 'received' },
  cursor: 1,
  custServId: '1',
  seq: 1,
});

describe('outbound buffer cap', () => {
  let t: TestHub;
  let seatRoom: string;
  const sockets: ClientSocket[] = [];
  beforeEach(async () => {
    t = await startHub({ listen: true });
    seatRoom = rooms.seat(await userIdIn(t.hub.store, 'seat1'));
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t.close();
  });

  it('drops a socket that stopped reading within moments, and the hub does not grow', async () => {
    const token = await t.login('seat1');
    const stalled = await connectSocket(t.url, token);
    sockets.push(stalled);
    const serverSide = t.hub.io.of('/').sockets.get(stalled.id!)!;
    const droppedAt = new Promise<number>((resolve) => serverSide.once('disconnect', () => resolve(Date.now())));
    tcpOf(stalled).pause();

    const big = payload('x'.repeat(64 * 1024));
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const started = Date.now();
    // 2,000 pushes of 64 KiB: 128 MiB that the stalled client will never read.
    for (let i = 0; i < 2000; i++) {
      t.hub.io.to(seatRoom).emit('message:new', big);
      if (i % 16 === 15) {
        await new Promise((resolve) => setImmediate(resolve));
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    }
    const dropped = await Promise.race([droppedAt, new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 3000))]);
    expect(dropped - started).toBeLessThan(2000);
    expect(t.hub.io.of('/').sockets.has(serverSide.id)).toBe(false);
    expect(peakRss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  }, 20_000);

  it('keeps a socket that reads the same pushes', async () => {
    const reader = await connectSocket(t.url, await t.login('seat1'));
    sockets.push(reader);
    let received = 0;
    reader.on('message:new', () => void received++);
    const big = payload('y'.repeat(64 * 1024));
    for (let i = 0; i < 200; i++) {
      t.hub.io.to(seatRoom).emit('message:new', big);
      // A reader keeps up when the hub does not outpace it by the whole limit in one go.
      if (i % 16 === 15) await waitFor(() => received === i + 1, 5000, `push ${i}`);
    }
    await waitFor(() => received === 200, 5000, 'all 200 pushes');
    expect(reader.connected).toBe(true);
  }, 20_000);
});

describe.each(realtimeSetups)('a stalled seat socket under real callbacks ($name)', (setup) => {
  let env: RealtimeEnv;
  const sockets: ClientSocket[] = [];
  beforeEach(async () => {
    env = await setup.start({ env: { SOCKET_OUTBOUND_LIMIT_BYTES: String(1024 * 1024) } });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await env.close();
  });

  it('drops the socket that stopped reading, and on reconnect it catches up with nothing missed', async () => {
    const { t, socketHub, socketUrl } = env;
    const seatId = String(await userIdIn(t.hub.store, 'seat1'));
    const token = await t.login('seat1');
    const stalled = await connectSocket(socketUrl, token);
    sockets.push(stalled);
    const applied = collectEvents(stalled, 'message:new');
    // A reading socket of the same seat, to see when the fan-out reaches the socket's instance.
    const reader = await connectSocket(socketUrl, token);
    sockets.push(reader);
    const read = collectEvents(reader, 'message:new');
    for (let i = 0; !read.some((p) => p.message.content === `probe ${i - 1}`); i++) {
      expect(i).toBeLessThan(50);
      await postCallback(t, 'messageCallback', inboundMessage({ content: `probe ${i}`, from: { id: `stall-probe-${i}`, name: 'probe' } }));
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitFor(() => applied.length === read.length, 3000, 'stalled socket caught up with the probes');
    const serverSide = socketHub.hub.io.of('/').sockets.get(stalled.id!)!;
    const dropped = new Promise<void>((resolve) => serverSide.once('disconnect', () => resolve()));
    // Every push so far arrived, in order: the client stands at the last seq it applied.
    const seqAtPause = Math.max(...applied.map((p) => p.seq));
    tcpOf(stalled).pause();

    // 1,500 callbacks of 8 KiB to the seat, each to a target of its own: 12 MiB it never reads.
    const accepted: Array<{ receId: string; content: string }> = [];
    // In bursts of 25 (200 KiB), well under the limit, so a socket that reads keeps up.
    for (let batch = 0; batch < 60; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, k) => {
          const i = batch * 25 + k;
          const content = `${i} ${'s'.repeat(8 * 1024)}`;
          return postCallback(t, 'messageCallback', inboundMessage({ content, from: { id: `stall-${i}`, name: `S${i}` } })).then((a) => ({ a, content }));
        }),
      );
      for (const { a, content } of answers) {
        expect(a.status).toBe(200);
        accepted.push({ receId: a.body.data.receId, content });
      }
    }
    await Promise.race([dropped, new Promise((_, reject) => setTimeout(() => reject(new Error('stalled socket not dropped')), 5000))]);
    expect(socketHub.hub.io.of('/').sockets.has(serverSide.id)).toBe(false);
    // The reading socket of the same seat was not dropped and got every push.
    await waitFor(() => read.filter((p) => p.message.content.endsWith('s')).length === accepted.length, 10_000, 'reader got every push');
    expect(reader.connected).toBe(true);

    // The client comes back and catches up from the last position it applied (pushes read
    // before the stall took hold count, up to the first gap).
    stalled.close();
    const back = await connectSocket(socketUrl, token);
    sockets.push(back);
    const caught = await catchUp(t, token, seatId, appliedThrough(seqAtPause, applied.map((p) => p.seq)));
    const missed = accepted.filter((m) => !applied.some((p) => p.receId === m.receId) && caught.alerts.get(m.receId)?.lastContent !== m.content);
    expect(missed).toEqual([]);
    expect(caught.pages).toBeGreaterThan(1);
  }, 60_000);
});
