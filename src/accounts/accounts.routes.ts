// POST /xd/client/getAccounts (获取登录用户所拥有的账号).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import type { Store } from '../db/store.js';
import { ok } from '../http/errors.js';
import { createAccountsRepository } from './accounts.repository.js';
import { GetAccountsBody, GetAccountsResponse } from './accounts.schemas.js';

export interface AccountRoutesDeps {
  store: Store;
  access: Access;
  guard: Guard;
}

export const accountRoutes: FastifyPluginAsyncTypebox<AccountRoutesDeps> = async (app, deps) => {
  const repository = createAccountsRepository(deps.store);

  app.post(
    '/getAccounts',
    {
      // The contract's body is `{}`; a client that sends none at all means the same.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
      onRequest: deps.guard(),
      schema: {
        tags: ['seat console'],
        summary: "The caller's accounts: a seat's own; a supervisor's or branch manager's branch; everyone's for master and admin",
        security: [{ token: [] }],
        body: GetAccountsBody,
        response: GetAccountsResponse,
      },
    },
    async (request) => {
      const rows = await repository.visibleAccounts(await deps.access.seatScope(currentUser(request)));
      return ok(
        rows.map((a) => ({
          accountId: String(a.accountId),
          phone: a.phone,
          platform: a.platform,
          status: a.status,
          statusReason: a.statusReason,
          custServId: a.seatId === null ? null : String(a.seatId),
          unread: a.unread,
        })),
      );
    },
  );
};
