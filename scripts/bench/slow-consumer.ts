// slow_consumer: one hub, seat1 with a reading socket and, in the measured run, a second socket
// that stops reading from its TCP connection while thousands of large messages are pushed to the
// seat. Figures: the hub's RSS growth over the load with the stalled socket, against the same load
// without it (the ceiling); the stalled socket must be dropped and the reading one get everything.
import { login } from './lib/http.js';
import { DEMO_PHONE, deliveryProblem, hubListeners, type Listening } from './lib/listeners.js';
import { callbackLoad, type LoadResult } from './lib/load.js';
import { startHub, tempDir, type Server } from './lib/procs.js';
import { invalid, percentileMs, ratio, round, type Line } from './lib/stats.js';
import { openStalledSocket, type StalledSocket } from './lib/stalled.js';

const RATE = 1000;
const MB = 1024 * 1024;

/** RSS and socket count as the hub reports them on /metrics (no GC forced, unlike server.mem()). */
async function scrape(url: string): Promise<{ rss: number; sockets: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const rss = /^hub_process_memory_bytes\{kind="rss"\} (\d+)/m.exec(text);
  const sockets = /^hub_sockets (\d+)/m.exec(text);
  if (!rss || !sockets) throw new Error('hub /metrics has no hub_process_memory_bytes{kind="rss"} or hub_sockets');
  return { rss: Number(rss[1]), sockets: Number(sockets[1]) };
}

interface Run {
  load: LoadResult;
  growthMb: number;
  socketsBefore: number;
  socketsAfter: number;
}

export async function slowConsumer(smoke: boolean): Promise<Line> {
  const scenario = 'slow_consumer';
  // ~12 MiB of pushes in the smoke form, ~24 MiB in the full one: well past the 4 MiB outbound
  // limit and what the kernel's socket buffers absorb.
  const seconds = smoke ? 1.5 : 10;
  const padBytes = smoke ? 8192 : 2048;
  const tmp = tempDir('slow');
  let server: Server | undefined;
  let listening: Listening | undefined;
  let stalled: StalledSocket | undefined;
  try {
    server = await startHub({ dir: tmp.dir });
    const url = server.url;
    listening = await hubListeners(url, { supervisor: false });
    const problem = await deliveryProblem(url, listening.listeners);
    if (problem) return invalid(scenario, problem, { rss_growth_mb: null });
    const load = (s: number) => callbackLoad({ url, phone: DEMO_PHONE, rate: RATE, seconds: s, listeners: listening!.listeners, padBytes, drainMs: 10_000 });
    await load(1); // warm-up: JIT, pools, buffers

    const measure = async (stall?: StalledSocket): Promise<Run> => {
      await server!.mem(); // a full GC, so both runs start from the same floor
      const before = await scrape(url);
      let peak = before.rss;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, (await scrape(url)).rss);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      stall?.stall();
      const result = await load(seconds);
      sampling = false;
      await sampler;
      const after = await scrape(url);
      return { load: result, growthMb: round((Math.max(peak, after.rss) - before.rss) / MB), socketsBefore: before.sockets, socketsAfter: after.sockets };
    };

    const without = await measure();
    stalled = await openStalledSocket(url, (await login(url, 'seat1')).token);
    const withStalled = await measure(stalled);
    const dropped = withStalled.socketsAfter < withStalled.socketsBefore;
    const line: Line = {
      scenario,
      rate: RATE,
      messages: withStalled.load.sent,
      push_kib: round(padBytes / 1024, 1),
      rss_growth_mb: withStalled.growthMb,
      dropped,
      delivered: Number(withStalled.load.delivered.toFixed(4)),
      p99_ms: percentileMs(withStalled.load.histogram, 99),
      ceiling: without.growthMb,
      ratio: ratio(withStalled.growthMb, without.growthMb),
    };
    for (const run of [without, withStalled]) {
      if (run.load.generator.saturated) return { ...line, valid: false, reason: run.load.generator.why };
      if (run.load.accepted < run.load.sent) return { ...line, valid: false, reason: `${run.load.sent - run.load.accepted} callbacks not accepted (${run.load.httpErrors[0] ?? 'refused'})` };
    }
    if (!dropped) return { ...line, valid: false, reason: `stalled socket still connected (${withStalled.socketsAfter} sockets after, ${withStalled.socketsBefore} before)` };
    if (withStalled.load.delivered < 1) return { ...line, valid: false, reason: `the reading socket missed pushes (delivered ${withStalled.load.delivered.toFixed(4)})` };
    return line;
  } finally {
    stalled?.destroy();
    listening?.close();
    await server?.stop();
    tmp.remove();
  }
}
