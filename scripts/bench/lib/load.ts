// Open-loop callback load: callback i is due at start + i/rate whatever happened before, and its
// latency runs from that intended time to receipt on each listening socket, so a stall in the
// server shows up in the figures instead of slowing the generator (coordinated omission).
import { io as connect, type Socket } from 'socket.io-client';
import { sendCallback } from './http.js';
import { generatorMonitor, histogram, percentileMs, recordMs, type GeneratorLoad, type Histogram } from './stats.js';

export interface Listener {
  socket: Socket;
  label: string;
}

export function openSocket(url: string, auth: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`socket connect: ${error.message}`)));
  });
}

export interface LoadResult {
  rate: number;
  sent: number;
  accepted: number;
  /** Pushes received / (accepted × listeners). */
  delivered: number;
  histogram: Histogram;
  p99Ms: number | null;
  httpErrors: string[];
  generator: GeneratorLoad;
}

let runCounter = 0;

/** Sends `rate`/s signed callbacks for `seconds` to `url` for `phone`; every listener must receive each. */
export async function callbackLoad(options: { url: string; phone: string; rate: number; seconds: number; listeners: Listener[]; drainMs?: number }): Promise<LoadResult> {
  const { url, phone, rate, seconds, listeners } = options;
  const total = Math.max(1, Math.round(rate * seconds));
  const tag = `b${process.pid}-${Date.now()}-${runCounter++}`;
  const intended = new Float64Array(total);
  const seen = new Uint8Array(total);
  const h = histogram();
  let received = 0;
  let accepted = 0;
  let answered = 0;
  const httpErrors: string[] = [];

  const onMessage = (payload: { message?: { content?: string } }) => {
    const content = payload?.message?.content;
    if (typeof content !== 'string' || !content.startsWith(tag)) return;
    const i = Number(content.slice(tag.length + 1));
    if (!(i >= 0 && i < total) || seen[i]! >= listeners.length) return;
    seen[i]! += 1;
    received += 1;
    recordMs(h, performance.now() - intended[i]!);
  };
  for (const l of listeners) l.socket.on('message:new', onMessage);

  const monitor = generatorMonitor();
  const start = performance.now() + 5;
  for (let i = 0; i < total; i++) intended[i] = start + (i * 1000) / rate;
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && intended[next]! <= now) {
        const i = next++;
        // Targets repeat so most callbacks take the common path: a known target, a new message.
        sendCallback(url, { phone, msgId: `${tag}-${i}`, fromId: `bench-target-${i % 50}`, content: `${tag}:${i}` }).then(
          (res) => {
            answered++;
            if (res.status === 200) accepted++;
            else if (httpErrors.length < 5) httpErrors.push(`HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          },
          (error: Error) => {
            answered++;
            if (httpErrors.length < 5) httpErrors.push(error.message);
          },
        );
      }
      if (next < total) setTimeout(tick, Math.max(0, Math.min(1, intended[next]! - performance.now())));
      else done();
    };
    setTimeout(tick, 5);
  });
  const generator = monitor.stop();

  // Drain: wait for every answer, then for the pushes still in flight.
  const drainUntil = performance.now() + (options.drainMs ?? 5000);
  while (performance.now() < drainUntil && (answered < total || received < accepted * listeners.length)) {
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const l of listeners) l.socket.off('message:new', onMessage);
  if (answered < total) httpErrors.unshift(`${total - answered} still unanswered ${options.drainMs ?? 5000} ms after the last send`);
  const expected = total * listeners.length;
  return {
    rate,
    sent: total,
    accepted,
    delivered: expected === 0 ? 0 : received / expected,
    histogram: h,
    p99Ms: percentileMs(h, 99),
    httpErrors,
    generator,
  };
}
