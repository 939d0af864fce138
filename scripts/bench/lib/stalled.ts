// A seat client that stops reading: a WebSocket handshake and a Socket.IO connect written by
// hand on a bare TCP socket, then the socket is paused, so the kernel's buffers fill and the
// hub has to hold (or drop) whatever it pushes next, as with a frozen tab or a stalled network.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface StalledSocket {
  /** Stops reading from now on. */
  stall(): void;
  /** Drops the connection (it is never read again). */
  destroy(): void;
}

/** One masked client text frame (RFC 6455 §5.2). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const long = payload.length >= 126;
  const head = Buffer.alloc(long ? 4 : 2);
  head[0] = 0x81;
  head[1] = 0x80 | (long ? 126 : payload.length);
  if (long) head.writeUInt16BE(payload.length, 2);
  const mask = randomBytes(4);
  for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return Buffer.concat([head, mask, payload]);
}

/** Server frames are unmasked; yields each complete text payload and what is left over. */
function* frames(data: Buffer): Generator<string, Buffer> {
  let at = 0;
  for (;;) {
    if (data.length - at < 2) break;
    let length = data[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (data.length - at < 4) break;
      length = data.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      if (data.length - at < 10) break;
      length = Number(data.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    if (data.length < start + length) break;
    yield data.toString('utf8', start, start + length);
    at = start + length;
  }
  return data.subarray(at);
}

export function openStalledSocket(url: string, token: string, timeoutMs = 10_000): Promise<StalledSocket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const timer = setTimeout(() => fail(new Error(`stalled client: no connection in ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.on('error', fail);
    socket.write(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    let pending: Buffer = Buffer.alloc(0);
    let upgraded = false;
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!pending.subarray(0, 12).toString().includes('101')) return fail(new Error(`stalled client: ${pending.toString('utf8', 0, end)}`));
        upgraded = true;
        pending = pending.subarray(end + 4);
      }
      const it = frames(pending);
      for (let next = it.next(); ; next = it.next()) {
        if (next.done) {
          pending = next.value;
          break;
        }
        const text = next.value;
        if (text.startsWith('0')) socket.write(textFrame(`40${JSON.stringify({ token })}`));
        else if (text === '2') socket.write(textFrame('3'));
        else if (text.startsWith('44')) return fail(new Error(`stalled client refused: ${text.slice(2)}`));
        else if (text.startsWith('40')) {
          clearTimeout(timer);
          socket.off('error', fail);
          socket.on('error', () => undefined);
          resolve({
            stall() {
              socket.off('data', onData);
              socket.pause();
            },
            destroy: () => socket.destroy(),
          });
        }
      }
    };
    socket.on('data', onData);
  });
}
