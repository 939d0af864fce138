// POST /xd/auth/password: any user changes its own password; its other tokens are revoked and
// the sockets opened with them dropped on every instance, the caller's own session stays.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { recordAudit } from '../audit/audit.repository.js';
import type { Store } from '../db/store.js';
import { Envelope, ErrorEnvelope, errorResponses } from '../http/envelope.schemas.js';
import { badRequest, ok } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import { currentUser, type Guard } from './auth.guard.js';
import type { AuthRepository } from './auth.repository.js';
import { hashPassword, verifyPassword } from './password.js';

export interface PasswordChangeDeps {
  store: Store;
  authRepository: AuthRepository;
  guard: Guard;
  io: HubServer;
  clock: Clock;
}

export const passwordChangeRoutes: FastifyPluginAsyncTypebox<PasswordChangeDeps> = async (app, deps) => {
  const { store, authRepository, io, clock } = deps;

  app.post(
    '/password',
    {
      onRequest: deps.guard(),
      // Each attempt costs two scrypt runs, and a stolen token must not become a password oracle.
      config: { rateLimit: { max: 10, timeWindow: '1 minute', keyGenerator: (request) => String(request.headers.token ?? request.ip) } },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; your other tokens are revoked',
        security: [{ token: [] }],
        body: Type.Object(
          { oldPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 8, maxLength: 128 }) },
          { additionalProperties: false },
        ),
        response: { 200: Envelope(Type.Object({ revokedTokens: Type.Integer() })), ...errorResponses, 429: ErrorEnvelope },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const stored = await authRepository.passwordHashOf(user.id);
      if (!stored || !(await verifyPassword(request.body.oldPassword, stored))) throw badRequest('oldPassword', 'is wrong');
      const passwordHash = await hashPassword(request.body.newPassword);
      const now = clock.now();
      const revoked = await store.transaction(async (tx) => {
        await authRepository.setPasswordHash(tx, user.id, passwordHash);
        const ids = await authRepository.revokeUserTokens(tx, user.id, now, user.tokenId);
        await recordAudit(tx, { actorId: user.id, action: 'user.password.change', subject: `user:${user.id}`, detail: {}, ip: request.ip, at: now });
        return ids;
      });
      for (const tokenId of revoked) io.in(rooms.token(tokenId)).disconnectSockets(true);
      return ok({ revokedTokens: revoked.length });
    },
  );
};
