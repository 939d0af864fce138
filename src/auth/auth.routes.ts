// POST /xd/auth/login, POST /xd/auth/logout, GET /xd/auth/me.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Envelope, ErrorEnvelope } from '../http/envelope.schemas.js';
import { hubError, ok, tooManyRequests, unauthorized, unavailable } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import type { AuthRepository, AuthUser } from './auth.repository.js';
import { currentUser, type Guard } from './auth.guard.js';
import { HashGateBusy, type HashGate } from './hash-gate.js';
import type { LoginThrottle } from './login-throttle.js';
import { LoginBody, LoginResponse, PublicUser } from './auth.schemas.js';

export interface AuthRoutesDeps {
  authRepository: AuthRepository;
  guard: Guard;
  io: HubServer;
  clock: Clock;
  tokenTtlSeconds: number;
  loginThrottle: LoginThrottle;
  hashGate: HashGate;
}

const publicUser = (u: Pick<AuthUser, 'id' | 'name' | 'role' | 'branchId'>) => ({
  id: String(u.id),
  name: u.name,
  role: u.role,
  branchId: u.branchId === null ? null : String(u.branchId),
});

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesDeps> = async (app, deps) => {
  const { authRepository, guard, io, clock } = deps;

  app.post(
    '/login',
    {
      schema: { tags: ['auth'], summary: 'Log in; answers a token for the `token` header', body: LoginBody, response: LoginResponse },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      // request.ip honours X-Forwarded-For only from TRUSTED_PROXIES, so a client cannot pick its key.
      const attempt = await deps.loginThrottle.admit(username, request.ip);
      if (!attempt) {
        void reply.header('retry-after', String(deps.loginThrottle.retryAfterSeconds));
        throw tooManyRequests();
      }
      const user = await authRepository.findUserByUsername(username);
      let valid: boolean;
      try {
        valid = await deps.hashGate.verify(password, user?.passwordHash);
      } catch (error) {
        if (!(error instanceof HashGateBusy)) throw error;
        await attempt.release();
        void reply.header('retry-after', '1');
        throw unavailable('login', 'too many logins at once, retry in a moment');
      }
      if (!user || !valid) {
        await attempt.failed();
        throw unauthorized('username or password is wrong');
      }
      await attempt.release();
      // Only after the password checked out, so a guesser learns nothing about disabled users.
      if (user.disabled) throw hubError('account_disabled', 'account disabled');
      const issued = await authRepository.issueToken(user.id, clock.now(), deps.tokenTtlSeconds * 1000);
      await authRepository.markLogin(user.id, clock.now());
      return ok({ token: issued.token, expiresAt: issued.expiresAt, user: publicUser(user) });
    },
  );

  app.post(
    '/logout',
    {
      onRequest: guard(),
      schema: {
        tags: ['auth'],
        summary: "Revoke the caller's token and drop the sockets opened with it, on every instance",
        security: [{ token: [] }],
        response: { 200: Envelope(Type.Object({ revoked: Type.Boolean() })), 401: ErrorEnvelope },
      },
    },
    async (request) => {
      const user = currentUser(request);
      await authRepository.revokeToken(user.tokenId, clock.now());
      // Through the adapter this reaches the sockets of this token on every instance.
      io.in(rooms.token(user.tokenId)).disconnectSockets(true);
      return ok({ revoked: true });
    },
  );

  app.get(
    '/me',
    {
      onRequest: guard(),
      schema: {
        tags: ['auth'],
        summary: 'The caller',
        security: [{ token: [] }],
        response: { 200: Envelope(PublicUser), 401: ErrorEnvelope },
      },
    },
    async (request) => ok(publicUser(currentUser(request))),
  );
};
