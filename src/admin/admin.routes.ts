// Everything under /xd/admin that this folder owns: branches, users and accounts, each built
// from its repository and service here, so the composition root adds one plugin.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Guard } from '../auth/auth.guard.js';
import type { AuthRepository } from '../auth/auth.repository.js';
import type { Db } from '../db/open.js';
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
  db: Db;
  io: HubServer;
  guard: Guard;
  authRepository: AuthRepository;
  clock: Clock;
}

export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesDeps> = async (app, deps) => {
  const { db, io, guard, clock } = deps;
  const branches = createBranchesRepository(db);
  const users = createUsersRepository(db);
  const usersService = createUsersService({ db, users, branches, authRepository: deps.authRepository, io });
  await app.register(branchRoutes, { db, branches, guard, clock });
  await app.register(userRoutes, { users, service: usersService, guard, io, clock });
  const accounts = createAccountsAdminRepository(db);
  await app.register(accountAdminRoutes, { db, accounts, service: createAccountsService({ db, accounts, io }), guard, clock });
};
