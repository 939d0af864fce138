// User administration: the role and branch rules, the write with its audit row in one
// transaction, then what must follow the commit (dropping sockets on every instance).
import { recordAudit, auditChanges } from '../audit/audit.repository.js';
import { revokeUserTokens, setPasswordHash } from '../auth/credentials.repository.js';
import { hashPassword } from '../auth/password.js';
import { dbFailure, type Db, type Store } from '../db/store.js';
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
  store: Store;
  users: UsersRepository;
  branches: BranchesRepository;
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
  const { store, users, branches, io } = deps;

  /** A role's branch rule: branch roles need an existing branch, master and admin none. */
  async function checkBranchRule(tx: Db, role: Role, branchId: number | null): Promise<void> {
    if (isBranchRole(role)) {
      if (branchId === null) throw badRequest('branchId', `is required for role ${role}`);
      if (!(await branches.find(tx, branchId))) throw badRequest('branchId', 'no such branch');
    } else if (branchId !== null) {
      throw badRequest('branchId', `must be absent for role ${role}`);
    }
  }

  /** Drops the user's sockets on every instance (through the adapter); they reconnect with fresh rooms or not at all. */
  const dropSockets = (userId: number) => io.in(rooms.user(userId)).disconnectSockets(true);

  const load = async (tx: Db, id: number): Promise<UserRow> => {
    const user = await users.find(tx, id);
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
      const taken = () => hubError('duplicate', `username: ${input.username} is taken`);
      // Serializable: the branch checked here must still exist at the insert.
      return store
        .transaction(async (tx) => {
          await checkBranchRule(tx, input.role, branchId);
          if (await users.usernameTaken(tx, input.username)) throw taken();
          const row = await users.insert(tx, { username: input.username, name: input.name, passwordHash, role: input.role, branchId, now: ctx.now });
          await recordAudit(tx, {
            ...auditBy(ctx),
            action: 'user.create',
            subject: `user:${row.id}`,
            detail: { username: { before: null, after: row.username }, ...auditChanges(null, row, [...AUDITED]) },
          });
          return row.id;
        }, { serializable: true })
        .catch((error: unknown) => {
          // A concurrent create took the name after the check: the unique index says so.
          throw dbFailure(error) === 'unique' ? taken() : error;
        });
    },

    async update(ctx: AdminContext, id: number, input: UpdateUserInput): Promise<void> {
      // Serializable: "the seat holds no accounts" must still hold when the seat leaves its
      // branch or role, whatever account reassignment runs meanwhile.
      const outcome = await store.transaction(async (tx) => {
        const current = await load(tx, id);
        assertMayManage(ctx.actor, current);
        const role = input.role ?? current.role;
        // Becoming a master or admin leaves the branch unless a branch is named (which is refused).
        const branchId = input.branchId !== undefined ? input.branchId : isBranchRole(role) ? current.branchId : null;
        assertMayManage(ctx.actor, { role, branchId }, input.role !== undefined ? 'role' : 'branchId');
        await checkBranchRule(tx, role, branchId);
        if (id === ctx.actor.id) {
          if (input.disabled === true) throw badRequest('disabled', 'you cannot disable yourself');
          if (role !== current.role) throw badRequest('role', 'you cannot change your own role');
        }
        if (current.role === 'seat' && (role !== 'seat' || branchId !== current.branchId)) {
          const held = await users.accountsOfSeat(tx, id);
          if (held > 0) throw conflict(`userId: the seat still has ${held} accounts; reassign them first`);
        }
        const next = { name: input.name ?? current.name, role, branchId, disabled: input.disabled ?? current.disabled };
        const changes = auditChanges(current, next, [...AUDITED]);
        if (Object.keys(changes).length === 0) return { disabled: false, moved: false };
        await users.update(tx, id, next);
        const disabled = next.disabled && !current.disabled;
        if (disabled) await revokeUserTokens(tx, id, ctx.now);
        await recordAudit(tx, { ...auditBy(ctx), action: 'user.update', subject: `user:${id}`, detail: changes });
        return { disabled, moved: 'role' in changes || 'branchId' in changes };
      }, { serializable: true });
      // After the commit: a disabled user's sockets go; a moved user's reconnect into its new rooms.
      if (outcome.disabled || outcome.moved) dropSockets(id);
    },

    async resetPassword(ctx: AdminContext, id: number, password: string): Promise<void> {
      const passwordHash = await hashPassword(password);
      await store.transaction(async (tx) => {
        assertMayManage(ctx.actor, await load(tx, id));
        await setPasswordHash(tx, id, passwordHash);
        await revokeUserTokens(tx, id, ctx.now);
        await recordAudit(tx, { ...auditBy(ctx), action: 'user.password.reset', subject: `user:${id}`, detail: {} });
      });
      dropSockets(id);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
