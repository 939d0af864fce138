// SQL of account administration: the scoped, filtered list, the writes, and the move of an
// account's conversations from one seat to another. Writers take the caller's `tx`.
import { and, count, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { appendActivitySync } from '../activity/activity.repository.js';
import type { Db } from '../db/open.js';
import { accounts, branches, conversations, proxies, targets, users, type AccountStatus } from '../db/schema.js';
import type { AdminScope } from './admin-scope.js';

export type AccountRow = typeof accounts.$inferSelect;

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

export function createAccountsAdminRepository(db: Db) {
  return {
    list(scope: AdminScope, filter: AccountFilter) {
      const where: SQL[] = [];
      if (scope.kind === 'branch') where.push(eq(accounts.branchId, scope.branchId));
      if (filter.branchId !== undefined) where.push(eq(accounts.branchId, filter.branchId));
      if (filter.seatId !== undefined) where.push(eq(accounts.seatId, filter.seatId));
      if (filter.status !== undefined) where.push(eq(accounts.status, filter.status));
      if (filter.unassigned === true) where.push(isNull(accounts.seatId));
      if (filter.unassigned === false) where.push(sql`${accounts.seatId} IS NOT NULL`);
      if (filter.keyword !== undefined) where.push(sql`instr(${accounts.phone}, ${filter.keyword}) > 0`);
      const condition = where.length > 0 ? and(...where) : undefined;
      const rows = db
        .select({ account: accounts, seatName: users.name })
        .from(accounts)
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(condition)
        .orderBy(desc(accounts.id))
        .limit(filter.limit)
        .offset(filter.offset)
        .all();
      const total = db.select({ n: count() }).from(accounts).where(condition).get()?.n ?? 0;
      return { rows, total };
    },

    find(tx: Db, id: number): AccountRow | undefined {
      return tx.select().from(accounts).where(eq(accounts.id, id)).get();
    },

    phoneTaken(tx: Db, phone: string): boolean {
      return tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, phone)).get() !== undefined;
    },

    branchExists(tx: Db, id: number): boolean {
      return tx.select({ id: branches.id }).from(branches).where(eq(branches.id, id)).get() !== undefined;
    },

    proxyExists(tx: Db, id: number): boolean {
      return tx.select({ id: proxies.id }).from(proxies).where(eq(proxies.id, id)).get() !== undefined;
    },

    /** The user `id` if it is a seat, with its branch and whether it is disabled. */
    seat(tx: Db, id: number) {
      return tx
        .select({ id: users.id, branchId: users.branchId, disabled: users.disabled })
        .from(users)
        .where(and(eq(users.id, id), eq(users.role, 'seat')))
        .get();
    },

    branchOfUser(tx: Db, id: number): number | null {
      return tx.select({ branchId: users.branchId }).from(users).where(eq(users.id, id)).get()?.branchId ?? null;
    },

    insert(tx: Db, row: NewAccount): AccountRow {
      return tx
        .insert(accounts)
        .values({ phone: row.phone, platform: row.platform, branchId: row.branchId, seatId: row.seatId, status: 'offline', createdAt: row.now })
        .returning()
        .get();
    },

    update(tx: Db, id: number, change: AccountChange): void {
      if (Object.keys(change).length === 0) return;
      tx.update(accounts).set(change).where(eq(accounts.id, id)).run();
    },

    /**
     * Another account already answers to this bridge session: its own `bridge_session`, or its
     * phone's digits, which is the session name of an account without one.
     */
    sessionTaken(tx: Db, session: string, exceptId: number): boolean {
      return (
        tx
          .select({ id: accounts.id })
          .from(accounts)
          .where(and(sql`${accounts.id} <> ${exceptId}`, or(eq(accounts.bridgeSession, session), and(isNull(accounts.bridgeSession), eq(accounts.phone, `+${session}`)))))
          .limit(1)
          .get() !== undefined
      );
    },

    hasTargets(tx: Db, id: number): boolean {
      return tx.select({ id: targets.id }).from(targets).where(eq(targets.accountId, id)).limit(1).get() !== undefined;
    },

    /** False when a row this repository does not know of still refers to the account. */
    remove(tx: Db, id: number): boolean {
      try {
        tx.delete(accounts).where(eq(accounts.id, id)).run();
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return false;
        throw error;
      }
    },

    /**
     * Moves the account's conversations that `fromSeatId` owns (and those nobody owns) to
     * `toSeatId`; conversations a transfer gave to another seat stay. Each moved target gets an
     * activity row for its new seat, so that seat's catch-up by cursor finds it. Answers the
     * number moved.
     */
    moveConversations(tx: Db, move: { accountId: number; fromSeatId: number | null; toSeatId: number | null; at: number }): number {
      const owned = move.fromSeatId === null ? isNull(conversations.seatId) : or(eq(conversations.seatId, move.fromSeatId), isNull(conversations.seatId));
      // Unassigning leaves nobody's conversations where they are.
      const which = move.toSeatId === null && move.fromSeatId !== null ? eq(conversations.seatId, move.fromSeatId) : owned;
      const moving = tx
        .select({ targetId: conversations.targetId })
        .from(conversations)
        .where(and(eq(conversations.accountId, move.accountId), which))
        .all();
      for (const { targetId } of moving) {
        // Each moved target takes a number in its new seat's stream with no push of its own: the
        // account:assigned push that follows carries a later number, so the seat's console sees
        // the gap and finds the moved targets by catching up.
        const cursor = move.toSeatId === null ? null : appendActivitySync(tx, { seatId: move.toSeatId, targetId, kind: 'account:assigned', at: move.at }).cursor;
        tx.update(conversations)
          .set(cursor === null ? { seatId: null } : { seatId: move.toSeatId, lastCursor: cursor })
          .where(eq(conversations.targetId, targetId))
          .run();
      }
      return moving.length;
    },
  };
}

export type AccountsAdminRepository = ReturnType<typeof createAccountsAdminRepository>;
