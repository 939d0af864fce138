// SQL of user administration: the scoped, filtered list and the writes.
import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { accounts, users, type Role } from '../db/schema.js';
import type { AdminScope } from './admin-scope.js';

export type UserRow = typeof users.$inferSelect;

export interface UserFilter {
  role?: Role;
  branchId?: number;
  keyword?: string;
  disabled?: boolean;
  offset: number;
  limit: number;
}

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

export function createUsersRepository(db: Db) {
  return {
    list(scope: AdminScope, filter: UserFilter) {
      const where: SQL[] = [];
      if (scope.kind === 'branch') where.push(eq(users.branchId, scope.branchId), inArray(users.role, ['supervisor', 'seat']));
      if (filter.role !== undefined) where.push(eq(users.role, filter.role));
      if (filter.branchId !== undefined) where.push(eq(users.branchId, filter.branchId));
      if (filter.disabled !== undefined) where.push(eq(users.disabled, filter.disabled));
      if (filter.keyword !== undefined) {
        const needle = filter.keyword.toLowerCase();
        // instr() rather than LIKE, so that % and _ in the keyword match literally.
        where.push(sql`(instr(lower(${users.name}), ${needle}) > 0 OR instr(lower(${users.username}), ${needle}) > 0)`);
      }
      const condition = where.length > 0 ? and(...where) : undefined;
      const rows = db.select(listed).from(users).where(condition).orderBy(desc(users.id)).limit(filter.limit).offset(filter.offset).all();
      const total = db.select({ n: count() }).from(users).where(condition).get()?.n ?? 0;
      return { rows, total };
    },

    find(tx: Db, id: number): UserRow | undefined {
      return tx.select().from(users).where(eq(users.id, id)).get();
    },

    usernameTaken(tx: Db, username: string): boolean {
      return tx.select({ id: users.id }).from(users).where(eq(users.username, username)).get() !== undefined;
    },

    insert(tx: Db, row: { username: string; name: string; passwordHash: string; role: Role; branchId: number | null; now: number }): UserRow {
      return tx
        .insert(users)
        .values({ username: row.username, name: row.name, passwordHash: row.passwordHash, role: row.role, branchId: row.branchId, createdAt: row.now })
        .returning()
        .get();
    },

    update(tx: Db, id: number, change: Partial<Pick<UserRow, 'name' | 'role' | 'branchId' | 'disabled'>>): void {
      if (Object.keys(change).length === 0) return;
      tx.update(users).set(change).where(eq(users.id, id)).run();
    },

    accountsOfSeat(tx: Db, seatId: number): number {
      return tx.select({ n: count() }).from(accounts).where(eq(accounts.seatId, seatId)).get()?.n ?? 0;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
