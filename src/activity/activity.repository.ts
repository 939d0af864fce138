// Appends to the hub-wide cursor and, for a seat's event, to that seat's stream. Call inside
// the write transaction of the event it records, so the cursor, the seq and the event commit
// together.
import { eq, max, sql } from 'drizzle-orm';
import { tablesOf, type Db, type Store } from '../db/store.js';

export interface ActivityEvent {
  seatId: number | null;
  targetId?: number | null;
  kind: string;
  messageId?: number | null;
  at: number;
}

/** Where a stored event stands: on the hub-wide cursor, and in its seat's stream (null: no seat). */
export interface ActivityStamp {
  cursor: number;
  /** The last number of the run this event took in its seat's stream. */
  seq: number | null;
}

/**
 * Takes the next `span` numbers of a seat's stream and answers the last of them. The upsert
 * locks the seat's row until commit (on PostgreSQL as on SQLite), so a later transaction of the
 * same seat waits and the numbers commit in order, without gaps.
 */
export async function takeSeq(tx: Db, seatId: number, span = 1): Promise<number> {
  const { seatStreams } = tablesOf(tx);
  const [row] = await tx
    .insert(seatStreams)
    .values({ seatId, seq: span })
    .onConflictDoUpdate({ target: seatStreams.seatId, set: { seq: sql`${seatStreams.seq} + excluded.seq` } })
    .returning({ seq: seatStreams.seq });
  return row!.seq;
}

/**
 * Records an event. `span` is how many pushes of the seat it stands for (a read of several
 * messages pushes one `message:updated` each): they take the numbers `seq - span + 1 … seq`.
 */
export async function appendActivity(tx: Db, event: ActivityEvent, span = 1): Promise<ActivityStamp> {
  const { activity } = tablesOf(tx);
  const seq = event.seatId === null ? null : await takeSeq(tx, event.seatId, span);
  const [row] = await tx
    .insert(activity)
    .values({
      seatId: event.seatId,
      targetId: event.targetId ?? null,
      kind: event.kind,
      messageId: event.messageId ?? null,
      seq,
      createdAt: event.at,
    })
    .returning({ cursor: activity.cursor });
  return { cursor: row!.cursor, seq };
}

/** The newest cursor (0 before any event): what a hint that stores nothing carries. */
export async function latestCursor(db: Db): Promise<number> {
  const { activity } = tablesOf(db);
  const [row] = await db.select({ top: max(activity.cursor) }).from(activity);
  return row?.top ?? 0;
}

/** The `custServId`/`seq` pair a push of a seat's event carries. */
export function streamOf(seatId: number, seq: number): { custServId: string; seq: number } {
  return { custServId: String(seatId), seq };
}

/** The last number of a seat's stream (0 before its first event). */
export async function currentSeq(store: Store, seatId: number, tx?: Db): Promise<number> {
  const { seatStreams } = store.tables;
  const [row] = await (tx ?? store.db).select({ seq: seatStreams.seq }).from(seatStreams).where(eq(seatStreams.seatId, seatId));
  return row?.seq ?? 0;
}
