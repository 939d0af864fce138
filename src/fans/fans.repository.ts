// SQL of incoming fans: a seat's count is the sum of its fan_events deltas for the day.
import { and, between, eq, sql } from 'drizzle-orm';
import type { Db, Store } from '../db/store.js';

export interface FanCorrection {
  seatId: number;
  accountId: number;
  day: string;
  delta: number;
  reason: string | null;
  byUserId: number;
  at: number;
}

export interface FansRepository {
  /** A seat's fan count for `day` (0 when nothing happened); in the caller's transaction when given one. */
  fanCountOn(seatId: number, day: string, tx?: Db): Promise<number>;
  /** Per-day counts from `from` to `to` inclusive; days without events are absent. */
  fanCountsBetween(seatId: number, from: string, to: string): Promise<Map<string, number>>;
  insertFanCorrection(tx: Db, row: FanCorrection): Promise<void>;
  /** The seat an account is assigned to now (null: none; undefined: no such account). */
  seatOfAccount(tx: Db, accountId: number): Promise<number | null | undefined>;
  branchOfSeat(seatId: number): Promise<number | null>;
}

export function createFansRepository(store: Store): FansRepository {
  const { accounts, fanEvents, users } = store.tables;
  const db = store.db;
  // PostgreSQL's sum() is numeric (a string in JS): read as a number on both engines.
  const total = sql`coalesce(sum(${fanEvents.delta}), 0)`.mapWith(Number);

  return {
    async fanCountOn(seatId, day, tx = db) {
      const [row] = await tx
        .select({ count: total })
        .from(fanEvents)
        .where(and(eq(fanEvents.seatId, seatId), eq(fanEvents.day, day)));
      return row?.count ?? 0;
    },

    async fanCountsBetween(seatId, from, to) {
      const rows = await db
        .select({ day: fanEvents.day, count: total })
        .from(fanEvents)
        .where(and(eq(fanEvents.seatId, seatId), between(fanEvents.day, from, to)))
        .groupBy(fanEvents.day);
      return new Map(rows.map((r) => [r.day, r.count]));
    },

    async insertFanCorrection(tx, row) {
      await tx
        .insert(fanEvents)
        .values({ seatId: row.seatId, accountId: row.accountId, targetId: null, day: row.day, delta: row.delta, reason: row.reason, byUserId: row.byUserId, createdAt: row.at });
    },

    async seatOfAccount(tx, accountId) {
      const [row] = await tx.select({ seatId: accounts.seatId }).from(accounts).where(eq(accounts.id, accountId));
      return row?.seatId;
    },

    async branchOfSeat(seatId) {
      const [row] = await db.select({ branchId: users.branchId }).from(users).where(eq(users.id, seatId));
      return row?.branchId ?? null;
    },
  };
}
