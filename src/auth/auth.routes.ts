// POST /xd/auth/login, POST /xd/auth/logout, GET /xd/auth/me.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Envelope, ErrorEnvelope } from '../http/envelope.schemas.js';
import { hubError, ok, unauthorized } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import type { AuthRepository, AuthUser } from './auth.repository.js';
import { currentUser, type Guard } from './auth.guard.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import { LoginBody, LoginResponse, PublicUser } from './auth.schemas.js';

export interface AuthRoutesDeps {
  authRepository: AuthRepository;
  guard: Guard;
  io: HubServer;
  clock: Clock;
  tokenTtlHours: number;
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
      config: {
        // Per user and IP, so one attacker can neither guess one password nor lock others out.
        rateLimit: {
          max: 10,
          timeWindow: '1 minute',
          keyGenerator: (request) => `${request.ip}|${String((request.body as { username?: unknown })?.username ?? '')}`,
        },
      },
    },
    async (request) => {
      const { username, password } = request.body;
      const user = authRepository.findUserByUsername(username);
      const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !valid) throw unauthorized('username or password is wrong');
      // Only after the password checked out, so a guesser learns nothing about disabled users.
      if (user.disabled) throw hubError('account_disabled', 'account disabled');
      const issued = authRepository.issueToken(user.id, clock.now(), deps.tokenTtlHours * 3_600_000);
      authRepository.markLogin(user.id, clock.now());
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
      authRepository.revokeToken(user.tokenId, clock.now());
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
