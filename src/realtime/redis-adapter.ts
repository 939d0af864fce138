// Shares rooms across hub instances through Redis. Redis only fans out: nothing on the callback
// path waits for it. The publishing client refuses commands while disconnected (no offline
// queue that could grow without bound or replay stale pushes later) and every publish failure
// is swallowed here; the local emit still happens, and remote seats catch up by cursor.
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { RedisTimeouts } from '../config.js';
import type { RedisHealth } from '../health/health.routes.js';
import type { HubServer } from './hub-server.js';

export interface RedisFanout {
  health(): RedisHealth;
  /** Commands sent and not yet answered, plus those queued for a connection still opening. */
  pendingCommands(): number;
  close(): Promise<void>;
}

const OFF: RedisFanout = { health: () => 'off', pendingCommands: () => 0, close: async () => undefined };

// Reconnect quickly at first, then every 2 s at most, forever: Redis coming back must be noticed.
export const redisRetryStrategy = (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), 2000);

const TIMED_OUT = 'Command timed out';

/** Unanswered and queued commands of a client (ioredis keeps both queues on the instance). */
export function queuedCommands(client: Redis): number {
  const queues = client as unknown as { commandQueue?: { length: number }; offlineQueue?: { length: number } };
  return (queues.commandQueue?.length ?? 0) + (queues.offlineQueue?.length ?? 0);
}

export function attachRedisAdapter(io: HubServer, redisUrl: string | undefined, timeouts: RedisTimeouts, log: FastifyBaseLogger): RedisFanout {
  if (!redisUrl) return OFF;
  const pub = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A command still in flight stays in ioredis's reply queue even after it timed out (replies
    // are matched by position); only dropping the connection frees that queue. See below.
    commandTimeout: timeouts.commandTimeoutMs,
    keepAlive: timeouts.keepAliveMs,
    retryStrategy: redisRetryStrategy,
    lazyConnect: false,
  });
  // The subscriber keeps its queue so its (p)subscribe survive a reconnect (ioredis re-subscribes);
  // it sends nothing else, so that queue holds a handful of commands at most.
  const sub = new Redis(redisUrl, { retryStrategy: redisRetryStrategy, maxRetriesPerRequest: null, keepAlive: timeouts.keepAliveMs });

  let lastLogged = 0;
  const onError = (which: string) => (error: Error) => {
    // An outage makes every reconnect attempt fail; one line per few seconds is enough.
    const now = Date.now();
    if (now - lastLogged > 5000) {
      lastLogged = now;
      log.warn({ err: error.message, client: which }, 'redis unavailable; pushes stay local until it returns');
    }
  };
  pub.on('error', onError('pub'));
  sub.on('error', onError('sub'));

  /**
   * A Redis behind a partition that drops packets without closing the connection stays "ready"
   * to ioredis: publishes pile up waiting for replies (and would be replayed, stale, when it
   * heals) and /healthz would say ok. The first command left unanswered past the timeout (a
   * publish, or the probe's PING when nothing is published) reconnects both clients instead,
   * which fails what was queued and keeps them not-ready (publishes refused, health down) until
   * Redis answers again. A Redis that is simply down is left to ioredis's own reconnects.
   */
  let dropping = false;
  pub.on('ready', () => {
    dropping = false;
  });
  const onCommandFailure = (error: unknown) => {
    if (!(error instanceof Error) || error.message !== TIMED_OUT || dropping) return;
    dropping = true;
    log.warn({ timeoutMs: timeouts.commandTimeoutMs }, 'redis stopped answering; reconnecting');
    // Destroyed, not ended: a graceful close would wait for a peer that does not answer, with
    // every unanswered command still queued meanwhile. ioredis sees the close and reconnects.
    for (const client of [pub, sub]) client.stream?.destroy();
  };

  // The adapter calls these and drops the promises; without this a Redis outage (or closing
  // while it is down) turns every push and every (un)subscribe into an unhandled rejection.
  swallowRejections(pub, ['publish'], onCommandFailure);
  // ioredis writes a PUBLISH to a connection that is still opening (it counts as allowed while
  // Redis loads), where it would wait on a handshake a partition never answers: publish only
  // on a ready connection.
  const publish = pub.publish.bind(pub) as (...args: unknown[]) => Promise<unknown>;
  (pub as unknown as { publish: typeof publish }).publish = (...args) => (pub.status === 'ready' ? publish(...args) : Promise.resolve(0));
  swallowRejections(sub, ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'], () => undefined);

  io.adapter(createAdapter(pub, sub, { requestsTimeout: 2000 }));
  const stopProbe = probeWhileIdle(pub, timeouts.probeIntervalMs, onCommandFailure);

  return {
    health: () => (pub.status === 'ready' && sub.status === 'ready' ? 'ok' : 'down'),
    pendingCommands: () => queuedCommands(pub) + queuedCommands(sub),
    async close() {
      stopProbe();
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/** A PING every interval while ready, so a partition is noticed even when nothing is published. */
function probeWhileIdle(pub: Redis, intervalMs: number, onFailure: (error: unknown) => void): () => void {
  let probing = false;
  const timer = setInterval(() => {
    if (probing || pub.status !== 'ready') return;
    probing = true;
    pub
      .ping()
      .catch(onFailure)
      .finally(() => {
        probing = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

function swallowRejections(client: Redis, methods: string[], onFailure: (error: unknown) => void): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of methods) {
    const original = target[name]!.bind(client);
    target[name] = (...args: unknown[]) => {
      try {
        return original(...args).catch((error: unknown) => {
          onFailure(error);
          return 0;
        });
      } catch (error) {
        onFailure(error);
        return Promise.resolve(0);
      }
    };
  }
}
