// callback_latency_1k: open loop at 1,000 callbacks/s, latency from each callback's intended send
// time to its receipt on the seat's socket; the ceiling is the bare server's p99 at the same load.
import { bareListeners, DEMO_PHONE, deliveryProblem, hubListeners, type Listening } from './lib/listeners.js';
import { callbackLoad, type LoadResult } from './lib/load.js';
import { named, seededBenchDatabase, type Engine } from './lib/pg.js';
import { startBare, startHub, tempDir, type Server } from './lib/procs.js';
import { invalid, percentileMs, ratio, type Line } from './lib/stats.js';

const RATE = 1000;

function problemOf(r: LoadResult, who: string): string | null {
  if (r.generator.saturated) return `${who}: ${r.generator.why}`;
  if (r.accepted < r.sent) return `${who}: ${r.sent - r.accepted} of ${r.sent} callbacks not accepted (${r.httpErrors[0] ?? 'refused'})`;
  if (r.delivered < 1) return `${who}: delivered ${r.delivered.toFixed(4)} of pushes`;
  return null;
}

export async function callbackLatency(smoke: boolean, engine: Engine = 'sqlite'): Promise<Line> {
  const scenario = named('callback_latency_1k', engine);
  const seconds = smoke ? 3 : 30;
  const tmp = tempDir('latency');
  let server: Server | undefined;
  let listening: Listening | undefined;
  try {
    // On PostgreSQL the ceiling stores too: it and the hub each get a freshly seeded database
    // (the load's message ids repeat between the two runs, and the hub would dedupe them).
    const pgUrl = engine === 'pg' ? await seededBenchDatabase(tmp.dir) : undefined;
    const hubPgUrl = engine === 'pg' ? await seededBenchDatabase(tmp.dir) : undefined;
    server = await startBare({ pgUrl });
    listening = await bareListeners(server.url, 1);
    await callbackLoad({ url: server.url, phone: DEMO_PHONE, rate: RATE, seconds: 0.5, listeners: listening.listeners }); // warm-up
    const bare = await callbackLoad({ url: server.url, phone: DEMO_PHONE, rate: RATE, seconds, listeners: listening.listeners });
    listening.close();
    await server.stop();
    const ceiling = percentileMs(bare.histogram, 99);

    server = await startHub({ dir: tmp.dir, env: hubPgUrl ? { DATABASE_URL: hubPgUrl } : {} });
    const joined = await hubListeners(server.url, { supervisor: false }).catch((e: Error) => e);
    if (joined instanceof Error) return invalid(scenario, joined.message, { ceiling });
    listening = joined;
    const problem = await deliveryProblem(server.url, listening.listeners);
    if (problem) return invalid(scenario, problem, { ceiling });
    await callbackLoad({ url: server.url, phone: DEMO_PHONE, rate: RATE, seconds: 0.5, listeners: listening.listeners }); // warm-up
    const hub = await callbackLoad({ url: server.url, phone: DEMO_PHONE, rate: RATE, seconds, listeners: listening.listeners });
    const p99 = percentileMs(hub.histogram, 99);
    const line: Line = {
      scenario,
      rate: RATE,
      seconds,
      sent: hub.sent,
      delivered: Number(hub.delivered.toFixed(4)),
      p50_ms: percentileMs(hub.histogram, 50),
      p99_ms: p99,
      p999_ms: percentileMs(hub.histogram, 99.9, 1000),
      ceiling,
      ratio: ratio(p99, ceiling),
    };
    const reason = problemOf(hub, 'hub') ?? problemOf(bare, 'bare');
    return reason ? { ...line, valid: false, reason } : line;
  } finally {
    listening?.close();
    await server?.stop();
    tmp.remove();
  }
}
