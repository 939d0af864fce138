// POST /xd/protocol/relogin: a seat (for its own account) or the branch manager/supervisor above
// it asks the bridge to log the account in again. Token-guarded, not signed. Drivers that log in
// by QR are then asked for a fresh code, pushed as account:qr.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { HubError, ok, unavailable } from '../http/errors.js';
import type { BridgePort } from '../messages/bridge-port.js';
import type { AccountEvents } from './account-events.js';
import type { BridgeRepository } from './bridge.repository.js';
import { ReloginBody, ReloginResponse } from './bridge.schemas.js';

export interface ReloginDeps {
  guard: Guard;
  access: Access;
  repository: Pick<BridgeRepository, 'accountRooms'>;
  bridge: BridgePort;
  accountEvents: AccountEvents;
}

export const reloginRoutes: FastifyPluginAsyncTypebox<ReloginDeps> = async (app, deps) => {
  app.post(
    '/relogin',
    {
      onRequest: deps.guard('seat', 'branch', 'supervisor', 'master'),
      schema: { tags: ['bridge'], summary: 'Ask the bridge to log an account in again', security: [{ token: [] }], body: ReloginBody, response: ReloginResponse },
    },
    async (request) => {
      const account = await deps.access.accountFor(currentUser(request), Number(request.body.accountId));
      try {
        await deps.bridge.relogin(account.phone);
      } catch (error) {
        if (error instanceof HubError) throw error;
        throw unavailable('bridge', (error as Error).message);
      }
      // The relogin itself succeeded; a QR that cannot be had yet arrives with the bridge's
      // next QR event instead.
      try {
        const qr = await deps.bridge.loginQr(account.phone);
        const rooms = await deps.repository.accountRooms(account.id);
        if (qr && rooms) await deps.accountEvents.pushQr(rooms, qr);
      } catch (error) {
        request.log.warn({ err: error, accountId: account.id }, 'login QR not fetched after relogin');
      }
      return ok({ accountId: String(account.id), requested: true });
    },
  );
};
