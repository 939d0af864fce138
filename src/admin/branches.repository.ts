// SQL of branches: the paged list with its head counts, and the writes.
import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { accounts, branches, contents, users } from '../db/schema.js';

export type BranchRow = typeof branches.$inferSelect;

const usersOfRole = (role: string) =>
  sql<number>`(select count(*) from users u where u.branch_id = "branches"."id" and u.role = ${role})`.mapWith(Number);

export function createBranchesRepository(db: Db) {
  return {
    list(options: { keyword?: string; offset: number; limit: number }) {
      const where: SQL | undefined = options.keyword === undefined ? undefined : sql`instr(lower(${branches.name}), ${options.keyword.toLowerCase()}) > 0`;
      const rows = db
        .select({
          id: branches.id,
          name: branches.name,
          createdAt: branches.createdAt,
          seats: usersOfRole('seat'),
          supervisors: usersOfRole('supervisor'),
          accounts: sql<number>`(select count(*) from accounts a where a.branch_id = "branches"."id")`.mapWith(Number),
        })
        .from(branches)
        .where(where)
        .orderBy(desc(branches.id))
        .limit(options.limit)
        .offset(options.offset)
        .all();
      const total = db.select({ n: count() }).from(branches).where(where).get()?.n ?? 0;
      return { rows, total };
    },

    find(tx: Db, id: number): BranchRow | undefined {
      return tx.select().from(branches).where(eq(branches.id, id)).get();
    },

    findByName(tx: Db, name: string): BranchRow | undefined {
      return tx.select().from(branches).where(eq(branches.name, name)).get();
    },

    insert(tx: Db, name: string, now: number): BranchRow {
      return tx.insert(branches).values({ name, createdAt: now }).returning().get();
    },

    rename(tx: Db, id: number, name: string): void {
      tx.update(branches).set({ name }).where(eq(branches.id, id)).run();
    },

    /** What still hangs on the branch: users, accounts and branch-scope content. */
    dependents(tx: Db, id: number): { users: number; accounts: number; contents: number } {
      const n = (table: typeof users | typeof accounts | typeof contents) =>
        tx.select({ n: count() }).from(table).where(and(eq(table.branchId, id))).get()?.n ?? 0;
      return { users: n(users), accounts: n(accounts), contents: n(contents) };
    },

    /** False when a row this repository does not know of still refers to the branch. */
    remove(tx: Db, id: number): boolean {
      try {
        tx.delete(branches).where(eq(branches.id, id)).run();
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return false;
        throw error;
      }
    },
  };
}

export type BranchesRepository = ReturnType<typeof createBranchesRepository>;
