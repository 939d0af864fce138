// A client that stops reading cannot make the hub hold its pushes: past the outbound limit its
// socket is dropped at once, while a client reading the same pushes is untouched.
import type { Socket as NetSocket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageNewPayload } from '../../src/realtime/events.js';
import { rooms } from '../../src/realtime/rooms.js';
import { userId } from '../helpers/demo.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, waitFor, type ClientSocket } from '../helpers/sockets.js';

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
    seatRoom = rooms.seat(userId(t.hub.database.db, 'seat1'));
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
