// GET /xd/auth/info and GET /xd/auth/routers: who the caller is, what it may do and what it sees.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { ok } from '../http/errors.js';
import type { PermissionStore } from './permission-store.js';
import type { PermissionsRepository } from './permissions.repository.js';
import { InfoResponse, RoutersResponse } from './permissions.schemas.js';
import { buildRouters } from './routers.js';

export interface NavigationRoutesDeps {
  guard: Guard;
  store: PermissionStore;
  repository: PermissionsRepository;
}

export const navigationRoutes: FastifyPluginAsyncTypebox<NavigationRoutesDeps> = async (app, deps) => {
  const common = { tags: ['auth'], security: [{ token: [] }] };

  app.get(
    '/info',
    { onRequest: deps.guard(), schema: { ...common, summary: "The caller, its role and the role's permission strings (RuoYi getInfo)", response: InfoResponse } },
    async (request) => {
      const user = currentUser(request);
      return ok({
        user: { id: String(user.id), name: user.name, username: user.username, role: user.role, branchId: user.branchId === null ? null : String(user.branchId) },
        roles: [user.role],
        permissions: deps.store.permissionsOf(user.role),
      });
    },
  );

  app.get(
    '/routers',
    { onRequest: deps.guard(), schema: { ...common, summary: "The caller's navigation: RouterVo tree of the directories and pages its role holds (RuoYi getRouters)", response: RoutersResponse } },
    async (request) => ok(buildRouters(await deps.repository.navigationOf(currentUser(request).role))),
  );
};
