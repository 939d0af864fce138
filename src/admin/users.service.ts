// User administration: the role and branch rules, the write with its audit row in one
// transaction, then what must follow the commit (dropping sockets on every instance).
import { recordAuditSync as recordAudit, auditChanges } from '../audit/audit.repository.js';
import type { AuthRepository } from '../auth/auth.repository.js';
import { hashPassword } from '../auth/password.js';
import { revokeUserTokensSync, setPasswordHashSync } from '../auth/legacy-sync.js';
import { writeTransaction, type Db } from '../db/open.js';
import type { Role } from '../db/schema.js';
import { badRequest, conflict, hubError, notFound } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { AdminContext } from './admin-context.js';
import { auditBy } from './admin-context.js';
import { adminScopeOf, assertMayManage, isBranchRole } from './admin-scope.js';
import type { BranchesRepository } from './branches.repository.js';
import type { UserRow, UsersRepository } from './users.repository.js';

export interface UsersServiceDeps {
  db: Db;
  users: UsersRepository;
  branches: BranchesRepository;
  authRepository: AuthRepository;
  io: HubServer;
}

export interface CreateUserInput {
  username: string;
  name: string;
  password: string;
  role: Role;
  branchId?: number;
}

export interface UpdateUserInput {
  name?: string;
  role?: Role;
  branchId?: number | null;
  disabled?: boolean;
}

const AUDITED = ['name', 'role', 'branchId', 'disabled'] as const;

export function createUsersService(deps: UsersServiceDeps) {
  const { db, users, branches, io } = deps;

  /** A role's branch rule: branch roles need an existing branch, master and admin none. */
  function checkBranchRule(tx: Db, role: Role, branchId: number | null): void {
    if (isBranchRole(role)) {
      if (branchId === null) throw badRequest('branchId', `is required for role ${role}`);
      if (!branches.find(tx, branchId)) throw badRequest('branchId', 'no such branch');
    } else if (branchId !== null) {
      throw badRequest('branchId', `must be absent for role ${role}`);
    }
  }

  /** Drops the user's sockets on every instance (through the adapter); they reconnect with fresh rooms or not at all. */
  const dropSockets = (userId: number) => io.in(rooms.user(userId)).disconnectSockets(true);

  const load = (tx: Db, id: number): UserRow => {
    const user = users.find(tx, id);
    if (!user) throw notFound('userId');
    return user;
  };

  return {
    async create(ctx: AdminContext, input: CreateUserInput): Promise<number> {
      const scope = adminScopeOf(ctx.actor);
      let branchId = input.branchId ?? null;
      // A branch manager's users always land in its own branch.
      if (scope.kind === 'branch' && branchId === null && isBranchRole(input.role)) branchId = scope.branchId;
      assertMayManage(ctx.actor, { role: input.role, branchId }, 'role');
      const passwordHash = await hashPassword(input.password);
      return writeTransaction(db, (tx) => {
        checkBranchRule(tx, input.role, branchId);
        if (users.usernameTaken(tx, input.username)) throw hubError('duplicate', `username: ${input.username} is taken`);
        const row = users.insert(tx, { username: input.username, name: input.name, passwordHash, role: input.role, branchId, now: ctx.now });
        recordAudit(tx, {
          ...auditBy(ctx),
          action: 'user.create',
          subject: `user:${row.id}`,
          detail: { username: { before: null, after: row.username }, ...auditChanges(null, row, [...AUDITED]) },
        });
        return row.id;
      });
    },

    update(ctx: AdminContext, id: number, input: UpdateUserInput): void {
      const outcome = writeTransaction(db, (tx) => {
        const current = load(tx, id);
        assertMayManage(ctx.actor, current);
        const role = input.role ?? current.role;
        // Becoming a master or admin leaves the branch unless a branch is named (which is refused).
        const branchId = input.branchId !== undefined ? input.branchId : isBranchRole(role) ? current.branchId : null;
        assertMayManage(ctx.actor, { role, branchId }, input.role !== undefined ? 'role' : 'branchId');
        checkBranchRule(tx, role, branchId);
        if (id === ctx.actor.id) {
          if (input.disabled === true) throw badRequest('disabled', 'you cannot disable yourself');
          if (role !== current.role) throw badRequest('role', 'you cannot change your own role');
        }
        if (current.role === 'seat' && (role !== 'seat' || branchId !== current.branchId)) {
          const held = users.accountsOfSeat(tx, id);
          if (held > 0) throw conflict(`userId: the seat still has ${held} accounts; reassign them first`);
        }
        const next = { name: input.name ?? current.name, role, branchId, disabled: input.disabled ?? current.disabled };
        const changes = auditChanges(current, next, [...AUDITED]);
        if (Object.keys(changes).length === 0) return { disabled: false, moved: false };
        users.update(tx, id, next);
        const disabled = next.disabled && !current.disabled;
        if (disabled) revokeUserTokensSync(tx, id, ctx.now);
        recordAudit(tx, { ...auditBy(ctx), action: 'user.update', subject: `user:${id}`, detail: changes });
        return { disabled, moved: 'role' in changes || 'branchId' in changes };
      });
      // After the commit: a disabled user's sockets go; a moved user's reconnect into its new rooms.
      if (outcome.disabled || outcome.moved) dropSockets(id);
    },

    async resetPassword(ctx: AdminContext, id: number, password: string): Promise<void> {
      const passwordHash = await hashPassword(password);
      writeTransaction(db, (tx) => {
        assertMayManage(ctx.actor, load(tx, id));
        setPasswordHashSync(tx, id, passwordHash);
        revokeUserTokensSync(tx, id, ctx.now);
        recordAudit(tx, { ...auditBy(ctx), action: 'user.password.reset', subject: `user:${id}`, detail: {} });
      });
      dropSockets(id);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
