// SQL of account administration: the scoped, filtered list, the writes, and the move of an
// account's conversations from one seat to another. Writers take the caller's `tx`.
import { and, count, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AccountStatus, accounts as accountsTable } from '../db/schema.js';
import { dbFailure, type Db, type Store } from '../db/store.js';
import type { AdminScope } from './admin-scope.js';
import { containsText } from './keyword.js';
import { appendActivity } from '../activity/activity.repository.js';

export type AccountRow = typeof accountsTable.$inferSelect;

export interface AccountFilter {
  branchId?: number;
  seatId?: number;
  status?: AccountStatus;
  keyword?: string;
  unassigned?: boolean;
  offset: number;
  limit: number;
}

export interface NewAccount {
  phone: string;
  platform: 'whatsapp' | 'telegram';
  branchId: number;
  seatId: number | null;
  now: number;
}

export type AccountChange = Partial<Pick<AccountRow, 'seatId' | 'branchId' | 'proxyId' | 'disabled' | 'bridgeSession'>>;

export function createAccountsAdminRepository(store: Store) {
  const { accounts, branches, conversations, proxies, targets, users } = store.tables;
  const first = async <T>(rows: Promise<T[]>): Promise<T | undefined> => (await rows)[0];

  return {
    async list(scope: AdminScope, filter: AccountFilter) {
      const where: SQL[] = [];
      if (scope.kind === 'branch') where.push(eq(accounts.branchId, scope.branchId));
      if (filter.branchId !== undefined) where.push(eq(accounts.branchId, filter.branchId));
      if (filter.seatId !== undefined) where.push(eq(accounts.seatId, filter.seatId));
      if (filter.status !== undefined) where.push(eq(accounts.status, filter.status));
      if (filter.unassigned === true) where.push(isNull(accounts.seatId));
      if (filter.unassigned === false) where.push(sql`${accounts.seatId} IS NOT NULL`);
      if (filter.keyword !== undefined) where.push(containsText(accounts.phone, filter.keyword));
      const condition = where.length > 0 ? and(...where) : undefined;
      const rows = await store.db
        // The proxy's status rides on the same row, so a page of accounts stays one query.
        .select({ account: accounts, seatName: users.name, proxyStatus: proxies.status })
        .from(accounts)
        .leftJoin(users, eq(users.id, accounts.seatId))
        .leftJoin(proxies, eq(proxies.id, accounts.proxyId))
        .where(condition)
        .orderBy(desc(accounts.id))
        .limit(filter.limit)
        .offset(filter.offset);
      const [counted] = await store.db.select({ n: count() }).from(accounts).where(condition);
      return { rows, total: counted?.n ?? 0 };
    },

    find(tx: Db, id: number): Promise<AccountRow | undefined> {
      return first(tx.select().from(accounts).where(eq(accounts.id, id)));
    },

    async phoneTaken(tx: Db, phone: string): Promise<boolean> {
      return (await first(tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, phone)))) !== undefined;
    },

    async branchExists(tx: Db, id: number): Promise<boolean> {
      return (await first(tx.select({ id: branches.id }).from(branches).where(eq(branches.id, id)))) !== undefined;
    },

    async proxyExists(tx: Db, id: number): Promise<boolean> {
      return (await first(tx.select({ id: proxies.id }).from(proxies).where(eq(proxies.id, id)))) !== undefined;
    },

    /** The user `id` if it is a seat, with its branch and whether it is disabled. */
    seat(tx: Db, id: number) {
      return first(
        tx
          .select({ id: users.id, branchId: users.branchId, disabled: users.disabled })
          .from(users)
          .where(and(eq(users.id, id), eq(users.role, 'seat'))),
      );
    },

    async branchOfUser(tx: Db, id: number): Promise<number | null> {
      return (await first(tx.select({ branchId: users.branchId }).from(users).where(eq(users.id, id))))?.branchId ?? null;
    },

    async insert(tx: Db, row: NewAccount): Promise<AccountRow> {
      const [inserted] = await tx
        .insert(accounts)
        .values({ phone: row.phone, platform: row.platform, branchId: row.branchId, seatId: row.seatId, status: 'offline', createdAt: row.now })
        .returning();
      return inserted!;
    },

    async update(tx: Db, id: number, change: AccountChange): Promise<void> {
      if (Object.keys(change).length === 0) return;
      await tx.update(accounts).set(change).where(eq(accounts.id, id));
    },

    /**
     * Another account already answers to this bridge session: its own `bridge_session`, or its
     * phone's digits, which is the session name of an account without one.
     */
    async sessionTaken(tx: Db, session: string, exceptId: number): Promise<boolean> {
      const other = await first(
        tx
          .select({ id: accounts.id })
          .from(accounts)
          .where(and(sql`${accounts.id} <> ${exceptId}`, or(eq(accounts.bridgeSession, session), and(isNull(accounts.bridgeSession), eq(accounts.phone, `+${session}`)))))
          .limit(1),
      );
      return other !== undefined;
    },

    async hasTargets(tx: Db, id: number): Promise<boolean> {
      return (await first(tx.select({ id: targets.id }).from(targets).where(eq(targets.accountId, id)).limit(1))) !== undefined;
    },

    /** False when a row this repository does not know of still refers to the account. */
    async remove(tx: Db, id: number): Promise<boolean> {
      try {
        // A savepoint: on PostgreSQL a failed statement would otherwise poison the whole transaction.
        await store.transaction(async (inner) => {
          await inner.delete(accounts).where(eq(accounts.id, id));
        }, { within: tx });
        return true;
      } catch (error) {
        if (dbFailure(error) === 'foreign_key') return false;
        throw error;
      }
    },

    /**
     * Moves the account's conversations that `fromSeatId` owns (and those nobody owns) to
     * `toSeatId`; conversations a transfer gave to another seat stay. Each moved target gets an
     * activity row for its new seat, so that seat's catch-up by cursor finds it. Answers the
     * number moved.
     */
    async moveConversations(tx: Db, move: { accountId: number; fromSeatId: number | null; toSeatId: number | null; at: number }): Promise<number> {
      const owned = move.fromSeatId === null ? isNull(conversations.seatId) : or(eq(conversations.seatId, move.fromSeatId), isNull(conversations.seatId));
      // Unassigning leaves nobody's conversations where they are.
      const which = move.toSeatId === null && move.fromSeatId !== null ? eq(conversations.seatId, move.fromSeatId) : owned;
      const moving = await tx
        .select({ targetId: conversations.targetId })
        .from(conversations)
        .where(and(eq(conversations.accountId, move.accountId), which));
      for (const { targetId } of moving) {
        // Each moved target takes a number in its new seat's stream with no push of its own: the
        // account:assigned push that follows carries a later number, so the seat's console sees
        // the gap and finds the moved targets by catching up.
        const cursor = move.toSeatId === null ? null : (await appendActivity(tx, { seatId: move.toSeatId, targetId, kind: 'account:assigned', at: move.at })).cursor;
        await tx
          .update(conversations)
          .set(cursor === null ? { seatId: null } : { seatId: move.toSeatId, lastCursor: cursor })
          .where(eq(conversations.targetId, targetId));
      }
      return moving.length;
    },
  };
}

export type AccountsAdminRepository = ReturnType<typeof createAccountsAdminRepository>;
