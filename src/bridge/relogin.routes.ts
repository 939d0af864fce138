// POST /xd/protocol/relogin: a seat (for its own account) or the branch manager/supervisor above
// it asks the bridge to log the account in again. Token-guarded, not signed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { ok, unavailable } from '../http/errors.js';
import type { BridgeClient } from './bridge-client.js';
import { ReloginBody, ReloginResponse } from './bridge.schemas.js';

export interface ReloginDeps {
  guard: Guard;
  access: Access;
  bridge: () => BridgeClient;
}

export const reloginRoutes: FastifyPluginAsyncTypebox<ReloginDeps> = async (app, deps) => {
  app.post(
    '/relogin',
    {
      onRequest: deps.guard('seat', 'branch', 'supervisor', 'master'),
      schema: { tags: ['bridge'], summary: 'Ask the bridge to log an account in again', security: [{ token: [] }], body: ReloginBody, response: ReloginResponse },
    },
    async (request) => {
      const account = deps.access.accountFor(currentUser(request), Number(request.body.accountId));
      try {
        await deps.bridge().relogin(account.phone);
      } catch (error) {
        throw unavailable('bridge', (error as Error).message);
      }
      return ok({ accountId: String(account.id), requested: true });
    },
  );
};
