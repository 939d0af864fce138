// Open-loop callback load: callback i is due at start + i/rate whatever happened before, and its
// latency runs from that intended time to receipt on each listening socket, so a stall in the
// server shows up in the figures instead of slowing the generator (coordinated omission).
import { buildCallbacks, digitsAt, Pipeline } from './sender.js';
import { type RawSocket } from './sio.js';
import { generatorMonitor, histogram, percentileMs, recordMs, type GeneratorLoad, type Histogram } from './stats.js';

export interface Listener {
  socket: RawSocket;
  label: string;
}

/**
 * Keep-alive connections per step. Each due request goes to the one with the fewest unanswered,
 * so at low rates every request has a connection to itself, and at high rates a connection
 * carries a few pipelined requests per write.
 */
const CONNECTIONS = 8;

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
export async function callbackLoad(options: { url: string; phone: string; rate: number; seconds: number; listeners: Listener[]; drainMs?: number; padBytes?: number }): Promise<LoadResult> {
  const { url, phone, rate, seconds, listeners } = options;
  // Bulk after the number (digitsAt stops at the space), for scenarios that need large pushes.
  const pad = options.padBytes ? ` ${'x'.repeat(options.padBytes)}` : '';
  const total = Math.max(1, Math.round(rate * seconds));
  const tag = `b${process.pid}-${Date.now()}-${runCounter++}`;
  const intended = new Float64Array(total);
  const seen = new Uint8Array(total);
  const h = histogram();
  let received = 0;
  let accepted = 0;
  let answered = 0;
  const httpErrors: string[] = [];

  // Every request of the step, signed and serialised before the clock starts. Targets repeat so
  // most callbacks take the common path: a known target, a new message.
  const requests = buildCallbacks(url, (i) => ({ phone, msgId: `${tag}-${i}`, fromId: `bench-target-${i % 50}`, content: `${tag}:${i}${pad}` }), total);
  const pipeline = await Pipeline.open(
    url,
    CONNECTIONS,
    (status, body) => {
      answered++;
      if (status === 200) accepted++;
      else if (httpErrors.length < 5) httpErrors.push(`HTTP ${status} ${body.slice(0, 200)}`);
    },
    (message) => {
      answered++;
      if (httpErrors.length < 5) httpErrors.push(message);
    },
  );

  // A push is `42["message:new",{…"content":"<tag>:<i>"…}]`: find i by byte search, no JSON.parse.
  const needle = Buffer.from(`${tag}:`);
  const onMessage = (frame: Buffer) => {
    const at = frame.indexOf(needle);
    if (at < 0) return;
    const i = digitsAt(frame, at + needle.length, frame.length);
    if (i < 0 || i >= total || seen[i]! >= listeners.length) return;
    seen[i]! += 1;
    received += 1;
    recordMs(h, performance.now() - intended[i]!);
  };
  for (const l of listeners) l.socket.onEvent('message:new', onMessage);

  const monitor = generatorMonitor();
  const start = performance.now() + 5;
  for (let i = 0; i < total; i++) intended[i] = start + (i * 1000) / rate;
  const { bytes, offsets } = requests;
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && intended[next]! <= now) {
        const i = next++;
        if (!pipeline.queue(offsets[i]!, offsets[i + 1]!)) {
          answered++;
          if (httpErrors.length < 5) httpErrors.push('no open connection to send on');
        }
      }
      // Everything due in this tick leaves in one write per connection.
      pipeline.flush(bytes);
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
  for (const l of listeners) l.socket.onEvent('message:new', null);
  pipeline.close();
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
