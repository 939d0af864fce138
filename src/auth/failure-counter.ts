// Counts failed logins per key (a username, an address) in fixed windows. With REDIS_URL the
// counts live in Redis, so every instance sees the same limit; if Redis does not answer within
// a short timeout the instance falls back to its own memory rather than letting logins hang.
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

export interface FailureCounter {
  /** Adds one to `key` (its window starts at the first hit) and answers the new count. */
  hit(key: string): Promise<number>;
  /** The current count of `key` (0 once its window is over). */
  count(key: string): Promise<number>;
  /** Takes back one hit: an attempt that did not fail (it succeeded, or was never tried). */
  undo(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Keys kept in memory at most; beyond it expired windows go first, then the oldest. */
const MEMORY_KEYS = 100_000;

export function createMemoryFailureCounter(windowMs: number, now: () => number = Date.now): FailureCounter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const prune = () => {
    const t = now();
    for (const [key, entry] of windows) if (entry.resetAt <= t) windows.delete(key);
    for (const key of windows.keys()) {
      if (windows.size <= MEMORY_KEYS) break;
      windows.delete(key);
    }
  };
  return {
    async hit(key) {
      const t = now();
      let entry = windows.get(key);
      if (!entry || entry.resetAt <= t) {
        windows.delete(key);
        entry = { count: 0, resetAt: t + windowMs };
        windows.set(key, entry);
        if (windows.size > MEMORY_KEYS) prune();
      }
      entry.count++;
      return entry.count;
    },
    async count(key) {
      const entry = windows.get(key);
      return entry && entry.resetAt > now() ? entry.count : 0;
    },
    async undo(key) {
      const entry = windows.get(key);
      if (entry && entry.count > 0) entry.count--;
    },
    async close() {
      windows.clear();
    },
  };
}

const HIT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";
// DECR on a key that has just expired would create it without a TTL; only touch a live key.
const UNDO = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0";

/** How long the first logins of a starting hub wait for its Redis connection. */
const FIRST_CONNECT_WAIT_MS = 1000;

/** After a Redis failure, count locally for this long before trying Redis again. */
const REDIS_BACKOFF_MS = 5000;

export function createRedisFailureCounter(redisUrl: string, windowMs: number, log: FastifyBaseLogger, options: { keepAliveMs?: number } = {}): FailureCounter {
  const local = createMemoryFailureCounter(windowMs);
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A Redis that stops answering (a partition) must not hold logins: fall back after this.
    commandTimeout: 300,
    ...(options.keepAliveMs === undefined ? {} : { keepAlive: options.keepAliveMs }),
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2000),
  });
  let lastLogged = 0;
  // A silent Redis would cost every login a timeout; skip it for a while after one.
  let skipUntil = 0;
  const failed = (error: unknown) => {
    const t = Date.now();
    skipUntil = t + REDIS_BACKOFF_MS;
    // A timed-out command stays in ioredis's reply queue until the connection goes: drop it, so
    // a long partition cannot pile them up; the client stays not-ready until Redis answers.
    if (error instanceof Error && error.message === 'Command timed out' && redis.status === 'ready') redis.disconnect(true);
    if (t - lastLogged > 5000) {
      lastLogged = t;
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'login limits: redis unavailable, counting in this instance');
    }
  };
  redis.on('error', failed);
  // A hub just started must not count its first logins alone because its connection is still
  // being made: they wait for that first connection, for a bounded time.
  let connectedOnce = false;
  const firstConnection = new Promise<void>((resolve) => {
    redis.once('ready', () => {
      connectedOnce = true;
      resolve();
    });
    setTimeout(resolve, FIRST_CONNECT_WAIT_MS).unref();
  });
  const prefixed = (key: string) => `hub:login-failures:${key}`;
  async function either<T>(remote: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (!connectedOnce) await firstConnection;
    if (Date.now() < skipUntil || redis.status !== 'ready') return fallback();
    try {
      return await remote();
    } catch (error) {
      failed(error);
      return fallback();
    }
  }
  return {
    hit: (key) => either(async () => Number(await redis.eval(HIT, 1, prefixed(key), windowMs)), () => local.hit(key)),
    count: (key) => either(async () => Number((await redis.get(prefixed(key))) ?? 0), () => local.count(key)),
    undo: (key) => either(async () => void (await redis.eval(UNDO, 1, prefixed(key))), () => local.undo(key)),
    async close() {
      redis.disconnect();
      await local.close();
    },
  };
}
