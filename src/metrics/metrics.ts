// The hub's Prometheus metrics. One registry per hub (not prom-client's global one), so that
// several hubs in one process (tests, benchmarks) each report only their own traffic.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type RedisState = 'ok' | 'off' | 'down';

/** What the metrics read at scrape time from the rest of the hub. */
export interface MetricsSources {
  sockets(): number;
  rooms(): number;
  redis(): RedisState;
  /** Redis commands of the fan-out not yet answered (a partition shows as a queue that does not drain). */
  redisPending(): number;
}

export type CallbackOutcome = 'ok' | 'rejected' | 'unavailable' | 'failed';

export interface HubMetrics {
  readonly registry: Registry;
  /** A bridge call to the hub (`/xd/protocol/*`), answered. */
  callbackAnswered(route: string, status: number): void;
  /** One group commit: how many callbacks it carried and how long the transaction took. */
  ingestBatch(size: number, seconds: number): void;
  /** From the callback reaching the ingest to its push leaving for the seat's room. */
  pushed(seconds: number): void;
  /** A call from the hub to the bridge, by what it was and how it ended. */
  bridgeCall(call: string, outcome: 'ok' | 'retry' | 'failed'): void;
  close(): void;
}

export function outcomeOf(status: number): CallbackOutcome {
  if (status < 400) return 'ok';
  if (status === 503) return 'unavailable';
  if (status < 500) return 'rejected';
  return 'failed';
}

export function createMetrics(sources: MetricsSources): HubMetrics {
  const registry = new Registry();
  const callbacks = new Counter({
    name: 'hub_bridge_callbacks_total',
    help: 'Bridge calls to the hub, by route and outcome (ok, rejected = 4xx, unavailable = 503, failed = other 5xx).',
    labelNames: ['route', 'outcome'] as const,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'hub_ingest_batch_size',
    help: 'Callbacks stored per group-commit transaction.',
    buckets: [1, 2, 5, 10, 25, 50, 100, 256],
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'hub_ingest_commit_seconds',
    help: 'Time to store one group-commit batch (BEGIN IMMEDIATE to COMMIT).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const pushSeconds = new Histogram({
    name: 'hub_push_latency_seconds',
    help: 'From a callback reaching the ingest to its message:new leaving for the seat room.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const bridgeCalls = new Counter({
    name: 'hub_bridge_requests_total',
    help: 'Calls from the hub to the bridge, by call and outcome.',
    labelNames: ['call', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'hub_sockets',
    help: 'Socket.IO connections held by this instance.',
    registers: [registry],
    collect() {
      this.set(sources.sockets());
    },
  });
  new Gauge({
    name: 'hub_rooms',
    help: 'Socket.IO rooms with at least one local socket (seat, branch, user and token rooms).',
    registers: [registry],
    collect() {
      this.set(sources.rooms());
    },
  });
  new Gauge({
    name: 'hub_redis_state',
    help: 'Redis fan-out state: 1 on the current state (ok, down, off).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const current = sources.redis();
      for (const state of ['ok', 'down', 'off'] as const) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hub_redis_pending_commands',
    help: 'Redis fan-out commands sent and not yet answered, or queued for a reconnecting connection.',
    registers: [registry],
    collect() {
      this.set(sources.redisPending());
    },
  });

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  new Gauge({
    name: 'hub_event_loop_lag_seconds',
    help: 'Event-loop delay since the previous scrape, by quantile (and max).',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
      this.set({ quantile: '0.5' }, seconds(loopDelay.percentile(50)));
      this.set({ quantile: '0.99' }, seconds(loopDelay.percentile(99)));
      this.set({ quantile: 'max' }, seconds(loopDelay.max));
      loopDelay.reset();
    },
  });
  new Gauge({
    name: 'hub_process_memory_bytes',
    help: 'Process memory by kind (rss, heapUsed, external).',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const memory = process.memoryUsage();
      this.set({ kind: 'rss' }, memory.rss);
      this.set({ kind: 'heapUsed' }, memory.heapUsed);
      this.set({ kind: 'external' }, memory.external);
    },
  });

  return {
    registry,
    callbackAnswered: (route, status) => callbacks.inc({ route, outcome: outcomeOf(status) }),
    ingestBatch(size, seconds) {
      batchSize.observe(size);
      commitSeconds.observe(seconds);
    },
    pushed: (seconds) => pushSeconds.observe(seconds),
    bridgeCall: (call, outcome) => bridgeCalls.inc({ call, outcome }),
    close: () => loopDelay.disable(),
  };
}
