// Who may administer whom. Master and admin have the whole organisation in scope, a branch
// manager its own branch's supervisors, seats and accounts. Only a master touches master and
// admin users; an admin never touches a master.
import type { AuthUser } from '../auth/auth.repository.js';
import type { Role } from '../db/schema.js';
import { forbidden } from '../http/errors.js';

export type AdminScope = { kind: 'all' } | { kind: 'branch'; branchId: number };

/** Roles that belong to a branch (and must have one); the others must not. */
export const BRANCH_ROLES: readonly Role[] = ['branch', 'supervisor', 'seat'];
export const isBranchRole = (role: Role) => BRANCH_ROLES.includes(role);

export function adminScopeOf(user: AuthUser): AdminScope {
  if (user.role === 'master' || user.role === 'admin') return { kind: 'all' };
  // A branch manager without a branch administers nothing: -1 matches no row.
  if (user.role === 'branch') return { kind: 'branch', branchId: user.branchId ?? -1 };
  throw forbidden(`role ${user.role} may not administer`);
}

/** Refuses unless `actor` may change (or create) a user with this role and branch. */
export function assertMayManage(actor: AuthUser, subject: { role: Role; branchId: number | null }, field = 'userId'): void {
  if (actor.role === 'master') return;
  if (subject.role === 'master') throw forbidden(`${field}: only a master manages master users`);
  if (subject.role === 'admin') throw forbidden(`${field}: only a master manages admin users`);
  if (actor.role === 'admin') return;
  const scope = adminScopeOf(actor);
  if (scope.kind === 'branch') {
    if (subject.role !== 'supervisor' && subject.role !== 'seat') throw forbidden(`${field}: a branch manager manages supervisors and seats only`);
    if (subject.branchId !== scope.branchId) throw forbidden('branchId: not your branch');
  }
}

/** Refuses a branch outside the actor's scope. */
export function assertBranchInScope(actor: AuthUser, branchId: number | null, field = 'branchId'): void {
  const scope = adminScopeOf(actor);
  if (scope.kind === 'branch' && branchId !== scope.branchId) throw forbidden(`${field}: not your branch`);
}
