// What every administrative write needs to know about its request: who, from where, when.
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth.repository.js';
import { currentUser } from '../auth/auth.guard.js';
import type { Clock } from '../time.js';

export interface AdminContext {
  actor: AuthUser;
  ip: string;
  now: number;
}

export function adminContext(request: FastifyRequest, clock: Clock): AdminContext {
  return { actor: currentUser(request), ip: request.ip, now: clock.now() };
}

/** The audit fields of a write made in `ctx`. */
export const auditBy = (ctx: AdminContext) => ({ actorId: ctx.actor.id, ip: ctx.ip, at: ctx.now });
