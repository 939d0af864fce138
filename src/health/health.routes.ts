// GET /healthz: 200 while the database answers (Redis being down is reported, not fatal).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Envelope, ErrorEnvelope } from '../http/envelope.schemas.js';
import { SUCCESS_MSG } from '../http/errors.js';
import type { DbProbe } from './db-probe.js';
import { pressureExempt } from './pressure.js';

export type RedisHealth = 'ok' | 'off' | 'down';

export interface HealthDeps {
  /** See createDbProbe: SELECT 1 on the engine in use. */
  probeDb: DbProbe;
  redisHealth: () => RedisHealth;
}

const HealthData = Type.Object({
  db: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
  redis: Type.Union([Type.Literal('ok'), Type.Literal('off'), Type.Literal('down')]),
});

export const healthRoutes: FastifyPluginAsyncTypebox<HealthDeps> = async (app, { probeDb, redisHealth }) => {
  app.get(
    '/healthz',
    {
      config: pressureExempt,
      schema: {
        tags: ['ops'],
        summary: 'Liveness and dependencies',
        response: { 200: Envelope(HealthData), 503: Type.Intersect([ErrorEnvelope, Type.Object({ data: HealthData })]) },
      },
    },
    async (_request, reply) => {
      let db: 'ok' | 'down' = 'ok';
      try {
        await probeDb();
      } catch {
        db = 'down';
      }
      const data = { db, redis: redisHealth() };
      if (db === 'down') return reply.status(503).send({ msg: 'database unavailable', code: 503, data });
      return { msg: SUCCESS_MSG, code: 200 as const, data };
    },
  );
};
