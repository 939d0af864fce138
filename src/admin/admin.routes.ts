// Everything under /xd/admin that this folder owns: branches, users and accounts, each built
// from its repository and service here, so the composition root adds one plugin.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Guard } from '../auth/auth.guard.js';
import type { Store } from '../db/store.js';
import type { HubServer } from '../realtime/hub-server.js';
import type { Clock } from '../time.js';
import { createAccountsAdminRepository } from './accounts.repository.js';
import { accountAdminRoutes } from './accounts.routes.js';
import { createAccountsService } from './accounts.service.js';
import { createBranchesRepository } from './branches.repository.js';
import { branchRoutes } from './branches.routes.js';
import { createUsersRepository } from './users.repository.js';
import { userRoutes } from './users.routes.js';
import { createUsersService } from './users.service.js';

export interface AdminRoutesDeps {
  store: Store;
  io: HubServer;
  guard: Guard;
  clock: Clock;
}

export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesDeps> = async (app, deps) => {
  const { store, io, guard, clock } = deps;
  const branches = createBranchesRepository(store);
  const users = createUsersRepository(store);
  const usersService = createUsersService({ store, users, branches, io });
  await app.register(branchRoutes, { store, branches, guard, clock });
  await app.register(userRoutes, { users, service: usersService, guard, io, clock });
  const accounts = createAccountsAdminRepository(store);
  await app.register(accountAdminRoutes, { store, accounts, service: createAccountsService({ store, accounts, io }), guard, clock });
};
