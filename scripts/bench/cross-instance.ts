// cross_instance: two hubs sharing one SQLite file and a private Redis; callbacks go to hub A,
// the seat listens on hub B. The ceiling is the same load with the seat on hub A.
import { startRedis, type PrivateRedis } from '../../test/helpers/redis.js';
import { getJson } from './lib/http.js';
import { DEMO_PHONE, deliveryProblem, hubListeners, type Listening } from './lib/listeners.js';
import { callbackLoad } from './lib/load.js';
import { startHub, tempDir, type Server } from './lib/procs.js';
import { invalid, percentileMs, ratio, type Line } from './lib/stats.js';

// Well inside one hub's capacity, so the figure is the cost of crossing Redis, not of a backlog.
const RATE = 200;

/** The hub's Redis state once it settles: 'off' means REDIS_URL is not wired at all. */
async function redisHealth(url: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const state = String((await getJson(url, '/healthz')).body?.data?.redis);
    if (state === 'ok' || state === 'off' || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function crossInstance(smoke: boolean): Promise<Line> {
  const scenario = 'cross_instance';
  const seconds = smoke ? 2 : 10;
  const tmp = tempDir('cross');
  let redis: PrivateRedis | undefined;
  const hubs: Server[] = [];
  const open: Listening[] = [];
  try {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url };
    hubs.push(await startHub({ dir: tmp.dir, env })); // A seeds the shared file first
    hubs.push(await startHub({ dir: tmp.dir, env }));
    const [a, b] = hubs as [Server, Server];
    for (const hub of hubs) {
      const redisState = await redisHealth(hub.url);
      if (redisState !== 'ok') return invalid(scenario, `hub not connected to REDIS_URL (healthz redis=${redisState})`, { delivered: null, p99_ms: null });
    }

    const onA = await hubListeners(a.url, { supervisor: false }).catch((e: Error) => e);
    if (onA instanceof Error) return invalid(scenario, onA.message, { delivered: null, p99_ms: null });
    open.push(onA);
    const problem = await deliveryProblem(a.url, onA.listeners);
    if (problem) return invalid(scenario, `same instance: ${problem}`, { delivered: null, p99_ms: null });
    await callbackLoad({ url: a.url, phone: DEMO_PHONE, rate: RATE, seconds: 1, listeners: onA.listeners }); // warm-up: JIT, pools
    const same = await callbackLoad({ url: a.url, phone: DEMO_PHONE, rate: RATE, seconds, listeners: onA.listeners });
    onA.close();

    const onB = await hubListeners(b.url, { supervisor: false });
    open.push(onB);
    await callbackLoad({ url: a.url, phone: DEMO_PHONE, rate: RATE, seconds: 1, listeners: onB.listeners }); // warm-up on B
    const cross = await callbackLoad({ url: a.url, phone: DEMO_PHONE, rate: RATE, seconds, listeners: onB.listeners });
    const ceiling = percentileMs(same.histogram, 99);
    const p99 = percentileMs(cross.histogram, 99);
    const line: Line = { scenario, rate: RATE, seconds, sent: cross.sent, delivered: Number(cross.delivered.toFixed(4)), p99_ms: p99, ceiling, ratio: ratio(p99, ceiling) };
    for (const r of [same, cross]) if (r.generator.saturated) return { ...line, valid: false, reason: r.generator.why };
    if (cross.accepted < cross.sent) return { ...line, valid: false, reason: `${cross.sent - cross.accepted} callbacks not accepted by A (${cross.httpErrors[0] ?? 'refused'})` };
    if (same.delivered < 1) return { ...line, valid: false, reason: `same-instance ceiling run delivered only ${same.delivered.toFixed(4)}` };
    if (cross.delivered < 1) return { ...line, valid: false, reason: `not every push crossed from A to B (delivered ${cross.delivered.toFixed(4)})` };
    return line;
  } finally {
    open.forEach((l) => l.close());
    for (const hub of hubs) await hub.stop();
    await redis?.stop();
    tmp.remove();
  }
}
