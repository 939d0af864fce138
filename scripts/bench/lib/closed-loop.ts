// Closed-loop request rate (autocannon, 10 connections) over a fixed mix of JSON bodies, after a
// short warm-up, with the generator's own load watched.
import autocannon from 'autocannon';
import { generatorMonitor, round } from './stats.js';

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
