// Load shedding: past the configured event-loop delay, heap or RSS, answer 503 with Retry-After
// at once rather than queueing work until the process falls over. A bridge retries a 503, so
// nothing is lost. The error reaches the one error handler, so the answer is the usual envelope
// (error `unavailable`); routes that must answer under pressure (/healthz, /metrics) opt out
// with `pressureExempt` in their config.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';

export interface PressureLimits {
  maxEventLoopDelayMs: number;
  maxHeapMb: number;
  maxRssMb: number;
  retryAfterSeconds: number;
}

/** Route config for the routes that keep answering under pressure. */
export const pressureExempt = { pressureHandler: () => undefined };

export async function installLoadShedding(app: FastifyInstance, limits: PressureLimits): Promise<void> {
  const mb = (n: number) => n * 1024 * 1024;
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxHeapUsedBytes: mb(limits.maxHeapMb),
    maxRssBytes: mb(limits.maxRssMb),
    retryAfter: limits.retryAfterSeconds,
    message: `hub unavailable: overloaded, retry after ${limits.retryAfterSeconds} s`,
  });
}
