// Shares rooms across hub instances through Redis. Redis only fans out: nothing on the callback
// path waits for it. The publishing client refuses commands while disconnected (no offline
// queue that could grow without bound or replay stale pushes later) and every publish failure
// is swallowed here; the local emit still happens, and remote seats catch up by cursor.
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { RedisHealth } from '../health/health.routes.js';
import type { HubServer } from './hub-server.js';

export interface RedisFanout {
  health(): RedisHealth;
  close(): Promise<void>;
}

const OFF: RedisFanout = { health: () => 'off', close: async () => undefined };

/** How often the publishing connection is probed, and how long a PING may go unanswered. */
const PROBE_INTERVAL_MS = 1000;
const PROBE_TIMEOUT_MS = 1500;

// Reconnect quickly at first, then every 2 s at most, forever: Redis coming back must be noticed.
const retryStrategy = (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 6), 2000);

export function attachRedisAdapter(io: HubServer, redisUrl: string | undefined, log: FastifyBaseLogger): RedisFanout {
  if (!redisUrl) return OFF;
  const pub = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy, lazyConnect: false });
  // The subscriber keeps its queue so its (p)subscribe survive a reconnect (ioredis re-subscribes).
  const sub = new Redis(redisUrl, { retryStrategy, maxRetriesPerRequest: null });

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

  // The adapter calls these and drops the promises; without this a Redis outage (or closing
  // while it is down) turns every push and every (un)subscribe into an unhandled rejection.
  swallowRejections(pub, ['publish']);
  swallowRejections(sub, ['subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe']);

  io.adapter(createAdapter(pub, sub, { requestsTimeout: 2000 }));
  const stopProbe = probeLiveness(pub, [pub, sub], log);

  return {
    health: () => (pub.status === 'ready' && sub.status === 'ready' ? 'ok' : 'down'),
    async close() {
      stopProbe();
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * A Redis behind a partition that drops packets without closing the connection stays "ready"
 * to ioredis: publishes queue up waiting for replies (and would be replayed, stale, when it
 * heals) and /healthz says ok. A PING left unanswered reconnects both clients instead, which
 * fails what was queued and keeps them not-ready (publishes refused, health down) until Redis
 * answers again. A Redis that is simply down is left to ioredis's own reconnects.
 */
function probeLiveness(pub: Redis, clients: Redis[], log: FastifyBaseLogger): () => void {
  let probing = false;
  const timer = setInterval(() => {
    if (probing || pub.status !== 'ready') return;
    probing = true;
    const deadline = setTimeout(() => {
      log.warn({ timeoutMs: PROBE_TIMEOUT_MS }, 'redis stopped answering; reconnecting');
      for (const client of clients) client.disconnect(true);
    }, PROBE_TIMEOUT_MS);
    pub
      .ping()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(deadline);
        probing = false;
      });
  }, PROBE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function swallowRejections(client: Redis, methods: string[]): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of methods) {
    const original = target[name]!.bind(client);
    target[name] = (...args: unknown[]) => {
      try {
        return original(...args).catch(() => 0);
      } catch {
        return Promise.resolve(0);
      }
    };
  }
}
