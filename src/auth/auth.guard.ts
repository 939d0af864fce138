// The `token` header check with role rules, reused by every feature's routes.
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Role } from '../db/schema.js';
import { forbidden, unauthorized } from '../http/errors.js';
import type { Clock } from '../time.js';
import type { AuthRepository, AuthUser } from './auth.repository.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthUser;
  }
}

export interface Guard {
  /** Route hook (use as onRequest, so the token is checked before the body): a live token is required, and when roles are given, one of them. */
  (...roles: Role[]): onRequestHookHandler;
}

export function createGuard(authRepository: AuthRepository, clock: Clock): Guard {
  return (...roles: Role[]) =>
    async function requireToken(request: FastifyRequest) {
      const header = request.headers.token;
      const token = Array.isArray(header) ? header[0] : header;
      if (!token) throw unauthorized('token: header is required');
      const user = await authRepository.resolveToken(token, clock.now());
      if (!user) throw unauthorized('token: invalid, expired or revoked');
      if (roles.length > 0 && !roles.includes(user.role)) {
        throw forbidden(`role ${user.role} may not do this (needs ${roles.join(' or ')})`);
      }
      request.user = user;
    };
}

/** The authenticated user of a guarded route. */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw unauthorized();
  return request.user;
}

export const MANAGER_ROLES: Role[] = ['master', 'admin', 'branch', 'supervisor'];
export const ALL_ROLES: Role[] = ['master', 'admin', 'branch', 'supervisor', 'seat'];
