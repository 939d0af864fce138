// POST /xd/dashboard/summary: the home dashboard of the caller's scope.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ALL_ROLES, currentUser, type Guard } from '../auth/auth.guard.js';
import { ok } from '../http/errors.js';
import type { Dashboard } from './dashboard.js';
import { SummaryInput, SummaryResponse } from './dashboard.schemas.js';

export interface DashboardRoutesDeps {
  guard: Guard;
  dashboard: Dashboard;
}

export const dashboardRoutes: FastifyPluginAsyncTypebox<DashboardRoutesDeps> = async (app, { guard, dashboard }) => {
  app.post(
    '/summary',
    {
      onRequest: guard(...ALL_ROLES),
      schema: {
        tags: ['dashboard'],
        summary: "One day's figures of the caller's scope: the organisation or a branch (master, admin), the own branch (branch manager, supervisor), oneself (seat)",
        security: [{ token: [] }],
        body: SummaryInput,
        response: SummaryResponse,
      },
    },
    async (request) => ok(await dashboard.summary(currentUser(request), request.body ?? {})),
  );
};
