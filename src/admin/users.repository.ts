// SQL of user administration: the scoped, filtered list and the writes.
import { and, count, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Role, users as usersTable } from '../db/schema.js';
import type { Db, Store } from '../db/store.js';
import type { AdminScope } from './admin-scope.js';
import { containsText } from './keyword.js';

export type UserRow = typeof usersTable.$inferSelect;

export interface UserFilter {
  role?: Role;
  branchId?: number;
  keyword?: string;
  disabled?: boolean;
  offset: number;
  limit: number;
}

export function createUsersRepository(store: Store) {
  const { accounts, users } = store.tables;
  const first = async <T>(rows: Promise<T[]>): Promise<T | undefined> => (await rows)[0];
  const listed = {
    id: users.id,
    username: users.username,
    name: users.name,
    role: users.role,
    branchId: users.branchId,
    disabled: users.disabled,
    lastLoginAt: users.lastLoginAt,
    createdAt: users.createdAt,
  };

  return {
    async list(scope: AdminScope, filter: UserFilter) {
      const where: SQL[] = [];
      if (scope.kind === 'branch') where.push(eq(users.branchId, scope.branchId), inArray(users.role, ['supervisor', 'seat']));
      if (filter.role !== undefined) where.push(eq(users.role, filter.role));
      if (filter.branchId !== undefined) where.push(eq(users.branchId, filter.branchId));
      if (filter.disabled !== undefined) where.push(eq(users.disabled, filter.disabled));
      if (filter.keyword !== undefined) where.push(or(containsText(users.name, filter.keyword), containsText(users.username, filter.keyword))!);
      const condition = where.length > 0 ? and(...where) : undefined;
      const rows = await store.db.select(listed).from(users).where(condition).orderBy(desc(users.id)).limit(filter.limit).offset(filter.offset);
      const [counted] = await store.db.select({ n: count() }).from(users).where(condition);
      return { rows, total: counted?.n ?? 0 };
    },

    find(tx: Db, id: number): Promise<UserRow | undefined> {
      return first(tx.select().from(users).where(eq(users.id, id)));
    },

    async usernameTaken(tx: Db, username: string): Promise<boolean> {
      return (await first(tx.select({ id: users.id }).from(users).where(eq(users.username, username)))) !== undefined;
    },

    async insert(tx: Db, row: { username: string; name: string; passwordHash: string; role: Role; branchId: number | null; now: number }): Promise<UserRow> {
      const [inserted] = await tx
        .insert(users)
        .values({ username: row.username, name: row.name, passwordHash: row.passwordHash, role: row.role, branchId: row.branchId, createdAt: row.now })
        .returning();
      return inserted!;
    },

    async update(tx: Db, id: number, change: Partial<Pick<UserRow, 'name' | 'role' | 'branchId' | 'disabled'>>): Promise<void> {
      if (Object.keys(change).length === 0) return;
      await tx.update(users).set(change).where(eq(users.id, id));
    },

    async accountsOfSeat(tx: Db, seatId: number): Promise<number> {
      return (await first(tx.select({ n: count() }).from(accounts).where(eq(accounts.seatId, seatId))))?.n ?? 0;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
