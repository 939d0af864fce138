// The activity cursor as bridge events take it, on the caller's transaction of either engine.
// Same statements as activity/activity.repository.ts, whose appendActivity still takes the
// synchronous SQLite handle; the account-status transaction is async and cannot call it.
import { max, sql } from 'drizzle-orm';
import { tablesOf, type Db } from '../db/store.js';
import type { ActivityEvent, ActivityStamp } from '../activity/activity.repository.js';

/**
 * Records an event inside `tx`: the seat's next stream number (the upsert locks the seat's row
 * until commit, so the numbers commit in order on PostgreSQL too) and the hub-wide cursor.
 */
export async function appendActivityOn(tx: Db, event: ActivityEvent): Promise<ActivityStamp> {
  const { activity, seatStreams } = tablesOf(tx);
  let seq: number | null = null;
  if (event.seatId !== null) {
    const [taken] = await tx
      .insert(seatStreams)
      .values({ seatId: event.seatId, seq: 1 })
      .onConflictDoUpdate({ target: seatStreams.seatId, set: { seq: sql`${seatStreams.seq} + excluded.seq` } })
      .returning({ seq: seatStreams.seq });
    seq = taken!.seq;
  }
  const [row] = await tx
    .insert(activity)
    .values({ seatId: event.seatId, targetId: event.targetId ?? null, kind: event.kind, messageId: event.messageId ?? null, seq, createdAt: event.at })
    .returning({ cursor: activity.cursor });
  return { cursor: row!.cursor, seq };
}

/** The newest cursor (0 before any event): what a hint that stores nothing carries. */
export async function latestCursorOn(db: Db): Promise<number> {
  const { activity } = tablesOf(db);
  const [row] = await db.select({ top: max(activity.cursor).mapWith(Number) }).from(activity);
  return row?.top ?? 0;
}
