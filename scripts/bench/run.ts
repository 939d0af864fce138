// Runs the benchmark scenarios and prints one JSON line of figures per scenario on stdout (a
// short table for humans follows on stderr). The full run builds the hub into dist/ first and
// measures that; `--smoke` runs a few seconds of each, from source;
// `--only=history,sockets` picks scenarios. Each line carries the ceiling measured in this run.
import { callbackLatency } from './callback-latency.js';
import { callbackToPush } from './callback-to-push.js';
import { crossInstance } from './cross-instance.js';
import { dashboard } from './dashboard.js';
import { history } from './history.js';
import { stopBenchPostgres } from './lib/pg.js';
import { pinSelf, useBuiltHub } from './lib/procs.js';
import { invalid, printLine, type Line } from './lib/stats.js';
import { reconnectStorm } from './reconnect-storm.js';
import { slowConsumer } from './slow-consumer.js';
import { sockets } from './sockets.js';

const SCENARIOS: Record<string, (smoke: boolean) => Promise<Line>> = {
  callback_to_push: callbackToPush,
  callback_latency_1k: callbackLatency,
  cross_instance: crossInstance,
  sockets,
  history,
  dashboard,
  reconnect_storm: reconnectStorm,
  slow_consumer: slowConsumer,
  // The same paths with the hub on PostgreSQL, each against a ceiling on PostgreSQL.
  'callback_to_push@pg': (smoke) => callbackToPush(smoke, 'pg'),
  'callback_latency_1k@pg': (smoke) => callbackLatency(smoke, 'pg'),
  'history@pg': (smoke) => history(smoke, 'pg'),
};

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const unknown = only?.filter((name) => !(name in SCENARIOS)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`);
  process.exit(2);
}

pinSelf();
// The full run measures the hub as production runs it (built); the smoke run skips the build.
if (!smoke) useBuiltHub();
const lines: Line[] = [];
let crashed = false;
for (const [name, run] of Object.entries(SCENARIOS)) {
  if (only && !only.includes(name)) continue;
  const started = Date.now();
  // A scenario that breaks still prints its line, so one missing feature never hides the rest.
  const line = await run(smoke).catch((error: Error) => {
    crashed = true;
    return invalid(name, `failed: ${error.message.split('\n')[0]}`);
  });
  printLine(line);
  lines.push(line);
  if (process.env.BENCH_VERBOSE) process.stderr.write(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

await stopBenchPostgres();

const show = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
const rows = lines.map((l) => {
  const { scenario, ceiling, ratio, valid, reason, ...figures } = l;
  const main = Object.entries(figures).map(([k, v]) => `${k}=${show(v)}`).join(' ');
  return `${scenario.padEnd(20)} ${main}  ceiling=${show(ceiling)} ratio=${show(ratio)}${valid === false ? `  INVALID: ${reason}` : ''}`;
});
process.stderr.write(`\n${rows.join('\n')}\n`);
// A scenario that threw is a broken harness or hub (a missing feature is a clean invalid line),
// which must fail CI. Sockets and agents may still hold handles open: exit explicitly.
process.exit(crashed ? 1 : 0);
