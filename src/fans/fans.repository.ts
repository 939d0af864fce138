// SQL of incoming fans: a seat's count is the sum of its fan_events deltas for the day.
import { and, between, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { fanEvents, users } from '../db/schema.js';

/** A seat's fan count for `day` (0 when nothing happened). */
export function fanCountOn(db: Db, seatId: number, day: string): number {
  const row = db
    .select({ count: sql<number>`coalesce(sum(${fanEvents.delta}), 0)` })
    .from(fanEvents)
    .where(and(eq(fanEvents.seatId, seatId), eq(fanEvents.day, day)))
    .get();
  return Number(row?.count ?? 0);
}

/** Per-day counts from `from` to `to` inclusive; days without events are absent. */
export function fanCountsBetween(db: Db, seatId: number, from: string, to: string): Map<string, number> {
  const rows = db
    .select({ day: fanEvents.day, count: sql<number>`sum(${fanEvents.delta})` })
    .from(fanEvents)
    .where(and(eq(fanEvents.seatId, seatId), between(fanEvents.day, from, to)))
    .groupBy(fanEvents.day)
    .all();
  return new Map(rows.map((r) => [r.day, Number(r.count)]));
}

export function insertFanCorrection(
  tx: Db,
  row: { seatId: number; accountId: number; day: string; delta: number; reason: string | null; byUserId: number; at: number },
): void {
  tx.insert(fanEvents)
    .values({ seatId: row.seatId, accountId: row.accountId, targetId: null, day: row.day, delta: row.delta, reason: row.reason, byUserId: row.byUserId, createdAt: row.at })
    .run();
}

export function branchOfSeat(db: Db, seatId: number): number | null {
  return db.select({ branchId: users.branchId }).from(users).where(eq(users.id, seatId)).get()?.branchId ?? null;
}

