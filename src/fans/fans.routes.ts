// POST /xd/client/fans (manual correction) and POST /xd/client/fanCount (per-day counts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { ok } from '../http/errors.js';
import type { Fans } from './fans.js';
import { FanCountBody, FanCountResponse, FansBody, FansResponse } from './fans.schemas.js';

export interface FansRoutesDeps {
  fans: Fans;
  guard: Guard;
}

export const fansRoutes: FastifyPluginAsyncTypebox<FansRoutesDeps> = async (app, { fans, guard }) => {
  app.post(
    '/fans',
    {
      onRequest: guard(),
      schema: {
        tags: ['fans'],
        summary: "Correct today's incoming fans of the seat owning the account (audited); pushes fans:count",
        description: 'A seat corrects its own accounts; a supervisor or branch manager those of its branch.',
        security: [{ token: [] }],
        body: FansBody,
        response: FansResponse,
      },
    },
    async (request) => {
      const { accountId, delta, reason } = request.body;
      const trimmed = reason?.trim();
      return ok(await fans.correct(currentUser(request), { accountId: Number(accountId), delta, reason: trimmed ? trimmed : null }));
    },
  );

  app.post(
    '/fanCount',
    {
      onRequest: guard(),
      schema: {
        tags: ['fans'],
        summary: 'Incoming fans of a seat per day, zero-filled (today only by default; at most 366 days)',
        security: [{ token: [] }],
        body: FanCountBody,
        response: FanCountResponse,
      },
    },
    async (request) => {
      const { custServId, from, to } = request.body;
      return ok(await fans.counts(currentUser(request), { seatId: Number(custServId), from, to }));
    },
  );
};
