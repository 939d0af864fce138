// SQL of branches: the paged list with its head counts, and the writes.
import { count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { branches as branchesTable } from '../db/schema.js';
import { dbFailure, type Db, type Store } from '../db/store.js';
import { containsText } from './keyword.js';

export type BranchRow = typeof branchesTable.$inferSelect;

// count(*) is a bigint on PostgreSQL: mapWith(Number) reads it as a number on both engines.
const usersOfRole = (role: string) =>
  sql<number>`(select count(*) from users u where u.branch_id = "branches"."id" and u.role = ${role})`.mapWith(Number);

export function createBranchesRepository(store: Store) {
  const { accounts, branches, contents, users } = store.tables;
  const first = async <T>(rows: Promise<T[]>): Promise<T | undefined> => (await rows)[0];

  return {
    async list(options: { keyword?: string; offset: number; limit: number }) {
      const where: SQL | undefined = options.keyword === undefined ? undefined : containsText(branches.name, options.keyword);
      const rows = await store.db
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
        .offset(options.offset);
      const [counted] = await store.db.select({ n: count() }).from(branches).where(where);
      return { rows, total: counted?.n ?? 0 };
    },

    find(tx: Db, id: number): Promise<BranchRow | undefined> {
      return first(tx.select().from(branches).where(eq(branches.id, id)));
    },

    findByName(tx: Db, name: string): Promise<BranchRow | undefined> {
      return first(tx.select().from(branches).where(eq(branches.name, name)));
    },

    async insert(tx: Db, name: string, now: number): Promise<BranchRow> {
      const [row] = await tx.insert(branches).values({ name, createdAt: now }).returning();
      return row!;
    },

    async rename(tx: Db, id: number, name: string): Promise<void> {
      await tx.update(branches).set({ name }).where(eq(branches.id, id));
    },

    /** What still hangs on the branch: users, accounts and branch-scope content. */
    async dependents(tx: Db, id: number): Promise<{ users: number; accounts: number; contents: number }> {
      const n = async (table: typeof users | typeof accounts | typeof contents) =>
        (await first(tx.select({ n: count() }).from(table).where(eq(table.branchId, id))))?.n ?? 0;
      return { users: await n(users), accounts: await n(accounts), contents: await n(contents) };
    },

    /** False when a row this repository does not know of still refers to the branch. */
    async remove(tx: Db, id: number): Promise<boolean> {
      try {
        // A savepoint: on PostgreSQL a failed statement would otherwise poison the whole transaction.
        await store.transaction(async (inner) => {
          await inner.delete(branches).where(eq(branches.id, id));
        }, { within: tx });
        return true;
      } catch (error) {
        if (dbFailure(error) === 'foreign_key') return false;
        throw error;
      }
    },
  };
}

export type BranchesRepository = ReturnType<typeof createBranchesRepository>;
