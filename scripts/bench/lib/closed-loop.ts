// Closed-loop request rate (autocannon, 10 connections) over a fixed mix of JSON bodies, after a
// short warm-up, with the generator's own load watched.
import autocannon from 'autocannon';
import { generatorMonitor, round, type Line } from './stats.js';

export async function closedLoop(url: string, path: string, bodies: string[], headers: Record<string, string>, seconds: number) {
  let i = 0;
  const options = (duration: number): autocannon.Options => ({
    url,
    connections: 10,
    duration,
    requests: [{ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  await autocannon(options(Math.max(1, seconds / 5))); // warm-up: page cache, JIT
  const monitor = generatorMonitor();
  const result = await autocannon(options(seconds));
  const generator = monitor.stop();
  return { rps: round(result.requests.average, 0), p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts, total: result.requests.total, generator };
}

type ClosedLoopRun = Awaited<ReturnType<typeof closedLoop>>;

/** One scenario line: the hub's figures beside the bare ceiling's, invalid if either run was. */
export function closedLoopLine(scenario: string, messages: number, hub: ClosedLoopRun, bare: ClosedLoopRun): Line {
  const line: Line = {
    scenario, messages, rps: hub.rps, p99_ms: hub.p99Ms, ceiling: bare.rps, ceiling_p99_ms: bare.p99Ms, ratio: round(hub.rps / bare.rps, 3),
  };
  for (const [who, m] of [['hub', hub], ['bare', bare]] as const) {
    if (m.non2xx > 0 || m.errors > 0) return { ...line, valid: false, reason: `${who}: ${m.non2xx} non-2xx answers, ${m.errors} errors of ${m.total}` };
    if (m.generator.saturated) return { ...line, valid: false, reason: `${who}: ${m.generator.why}` };
  }
  return line;
}
