// The lean side of the callback load: every request of a step is signed and serialised into one
// buffer before the step starts, then written as raw HTTP/1.1 on a few keep-alive connections
// (pipelined: Node's HTTP server answers a connection's requests in order). Per callback the
// timed phase costs a slice of a write and a small response parse, not an http.request, an HMAC
// and a JSON.stringify, so the generator can outrun the bare server on one core.
import net from 'node:net';
import { callbackBody, signatureHeaders, type Callback } from './http.js';

export const CALLBACK_PATH = '/xd/protocol/messageCallback';

/** Request i is `bytes[offsets[i] .. offsets[i + 1])`. */
export interface Requests {
  bytes: Buffer;
  offsets: Uint32Array;
}

/**
 * Full request bytes for each callback, signed now: the webhook timestamp is the build time,
 * which the hub accepts for 5 minutes, far longer than any step.
 */
export function buildCallbacks(url: string, callbacks: (i: number) => Callback, count: number): Requests {
  const { host } = new URL(url);
  const head = `POST ${CALLBACK_PATH} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: `;
  const offsets = new Uint32Array(count + 1);
  let bytes = Buffer.allocUnsafe(count * 640);
  let length = 0;
  for (let i = 0; i < count; i++) {
    const body = callbackBody(callbacks(i));
    const h = signatureHeaders(body);
    const request =
      `${head}${Buffer.byteLength(body)}\r\nwebhook-id: ${h['webhook-id']}\r\nwebhook-timestamp: ${h['webhook-timestamp']}\r\n` +
      `webhook-signature: ${h['webhook-signature']}\r\n\r\n${body}`;
    const size = Buffer.byteLength(request);
    if (length + size > bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(bytes.length * 2, length + size));
      bytes.copy(grown, 0, 0, length);
      bytes = grown;
    }
    offsets[i] = length;
    length += bytes.write(request, length, 'utf8');
  }
  offsets[count] = length;
  return { bytes: bytes.subarray(0, length), offsets };
}

/** An answer: the status, and the body as text when the status is not 200 (for the error). */
export type Answer = (status: number, body: string) => void;
export type Failure = (message: string) => void;

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const LENGTH_LOWER = Buffer.from('\r\ncontent-length:');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*(?=\r\n|$)/i;
const CHUNKED = /\r\ntransfer-encoding:[^\r\n]*chunked/i;

interface Parsed {
  end: number;
  status: number;
  body: string;
}

/** `data[at..]` as a decimal number, stopping at the first non-digit after leading blanks. */
export function digitsAt(data: Buffer, at: number, limit: number): number {
  while (at < limit && (data[at] === 0x20 || data[at] === 0x09)) at++;
  let n = 0;
  let digits = 0;
  for (; at < limit; at++, digits++) {
    const d = data[at]! - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return digits === 0 ? -1 : n;
}

/**
 * One response in `data[pos..limit)`, or null if it is not all there yet. Throws on a response
 * this parser cannot frame (neither Content-Length nor chunked): the run must not guess.
 */
function parseResponse(data: Buffer, pos: number, limit: number): Parsed | null {
  const headEnd = data.indexOf(HEAD_END, pos);
  if (headEnd < 0 || headEnd + 4 > limit) {
    if (limit - pos > 64 * 1024) throw new Error('response head over 64 KiB');
    return null;
  }
  // "HTTP/1.1 200 OK": the status is bytes 9–11.
  if (data[pos] !== 0x48 || data[pos + 4] !== 0x2f) throw new Error(`not an HTTP response: ${JSON.stringify(data.toString('latin1', pos, pos + 40))}`);
  const status = (data[pos + 9]! - 48) * 100 + (data[pos + 10]! - 48) * 10 + (data[pos + 11]! - 48);
  const bodyStart = headEnd + 4;
  if (status < 200 || status === 204 || status === 304) {
    // 1xx are interim (never asked for: no Expect is sent); 204/304 carry no body.
    return { end: bodyStart, status, body: '' };
  }
  // Fastify writes "content-length" in lower case: find it without decoding the head.
  let length = -1;
  const lower = data.indexOf(LENGTH_LOWER, pos);
  if (lower >= 0 && lower < headEnd) length = digitsAt(data, lower + LENGTH_LOWER.length, headEnd);
  const head = length < 0 ? data.toString('latin1', pos, headEnd) : '';
  if (length < 0) {
    const match = CONTENT_LENGTH.exec(head);
    if (match) length = Number(match[1]);
  }
  if (length >= 0) {
    const end = bodyStart + length;
    if (end > limit) return null;
    return { end, status, body: status === 200 ? '' : data.toString('utf8', bodyStart, end) };
  }
  if (CHUNKED.test(head)) {
    const chunks: Buffer[] = [];
    let at = bodyStart;
    for (;;) {
      const lineEnd = data.indexOf(CRLF, at);
      if (lineEnd < 0 || lineEnd + 2 > limit) return null;
      const size = Number.parseInt(data.toString('latin1', at, lineEnd), 16);
      if (!Number.isFinite(size)) throw new Error(`bad chunk size ${JSON.stringify(data.toString('latin1', at, lineEnd))}`);
      if (size === 0) {
        // The last chunk; trailers, if any, end with an empty line.
        if (limit < lineEnd + 4) return null;
        let end = lineEnd + 4;
        if (data[lineEnd + 2] !== 0x0d || data[lineEnd + 3] !== 0x0a) {
          const trailersEnd = data.indexOf(HEAD_END, lineEnd + 2);
          if (trailersEnd < 0 || trailersEnd + 4 > limit) return null;
          end = trailersEnd + 4;
        }
        return { end, status, body: status === 200 ? '' : Buffer.concat(chunks).toString('utf8') };
      }
      const dataEnd = lineEnd + 2 + size;
      if (dataEnd + 2 > limit) return null;
      chunks.push(data.subarray(lineEnd + 2, dataEnd));
      at = dataEnd + 2;
    }
  }
  throw new Error(`HTTP ${status} without Content-Length or chunked framing: ${JSON.stringify(head.slice(0, 200))}`);
}

// Every connection reads into this one buffer (reads run one at a time; a response cut at the end
// of a read is copied out), so a read allocates nothing and skips the stream machinery.
const readBuffer = Buffer.allocUnsafe(256 * 1024);

class Connection {
  outstanding = 0;
  alive = true;
  /** Request ranges due on this connection in the current tick: start, end, start, end… */
  batch: number[] = [];
  readonly socket: net.Socket;
  private rest: Buffer | null = null;

  constructor(host: string, port: number, private readonly answer: Answer, private readonly failure: Failure) {
    this.socket = net.connect({ host, port, noDelay: true, onread: { buffer: readBuffer, callback: (n: number) => this.onRead(n) } });
    this.socket.on('error', (error) => this.lost(error.message));
    this.socket.on('close', () => this.lost('connection closed by the server'));
  }

  /** Parses what one read brought; `true` keeps reading. */
  private onRead(nread: number): boolean {
    let data = readBuffer;
    let limit = nread;
    if (this.rest) {
      data = Buffer.concat([this.rest, readBuffer.subarray(0, nread)]);
      limit = data.length;
    }
    let pos = 0;
    try {
      while (pos < limit) {
        const r = parseResponse(data, pos, limit);
        if (!r) break;
        pos = r.end;
        if (r.status < 200) continue;
        this.outstanding--;
        this.answer(r.status, r.body);
      }
    } catch (error) {
      this.lost(`unreadable response: ${(error as Error).message}`);
      this.socket.destroy();
      return false;
    }
    this.rest = pos < limit ? Buffer.from(data.subarray(pos, limit)) : null;
    return true;
  }

  lost(why: string): void {
    if (!this.alive) return;
    this.alive = false;
    for (; this.outstanding > 0; this.outstanding--) this.failure(`${why} with a request unanswered`);
  }
}

/** A few keep-alive connections; each request goes to the one with the fewest unanswered. */
export class Pipeline {
  private constructor(private readonly connections: Connection[]) {}

  static async open(url: string, size: number, answer: Answer, failure: Failure): Promise<Pipeline> {
    const { hostname, port } = new URL(url);
    const connections = Array.from({ length: size }, () => new Connection(hostname, Number(port), answer, failure));
    const connected = Promise.all(
      connections.map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            c.socket.once('connect', () => {
              c.socket.off('error', reject);
              resolve();
            });
            c.socket.once('error', reject);
          }),
      ),
    );
    await connected.catch((error: Error) => {
      for (const c of connections) c.socket.destroy();
      throw new Error(`callback connections: ${error.message}`);
    });
    return new Pipeline(connections);
  }

  /** Queues request `[start, end)` of the step's buffer; `flush` writes the tick's queue. */
  queue(start: number, end: number): boolean {
    let best: Connection | undefined;
    for (const c of this.connections) if (c.alive && (best === undefined || c.outstanding < best.outstanding)) best = c;
    if (!best) return false;
    best.outstanding++;
    const b = best.batch;
    // Consecutive requests on one connection extend one range: one slice, no copy.
    if (b.length > 0 && b[b.length - 1] === start) b[b.length - 1] = end;
    else b.push(start, end);
    return true;
  }

  flush(bytes: Buffer): void {
    for (const c of this.connections) {
      const b = c.batch;
      if (b.length === 0) continue;
      if (b.length === 2) c.socket.write(bytes.subarray(b[0], b[1]));
      else {
        const slices: Buffer[] = [];
        for (let k = 0; k < b.length; k += 2) slices.push(bytes.subarray(b[k], b[k + 1]));
        c.socket.write(Buffer.concat(slices));
      }
      b.length = 0;
    }
  }

  close(): void {
    for (const c of this.connections) {
      c.alive = false;
      c.socket.destroy();
    }
  }
}
