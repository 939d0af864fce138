// appendActivity / takeSeq of ./activity.repository.ts on the store (either engine), for the
// features already ported to it; the same statements, awaited on the caller's transaction.
// The synchronous versions stay for the callers still on the SQLite handle.
import { sql } from 'drizzle-orm';
import { tablesOf, type Db } from '../db/store.js';
import type { ActivityEvent, ActivityStamp } from './activity.repository.js';

/**
 * Takes the next `span` numbers of a seat's stream and answers the last of them. The upsert
 * locks the seat's row until commit on either engine, so a later transaction of the same seat
 * waits (or, under SERIALIZABLE on PostgreSQL, is retried) and the numbers stay gap-free.
 */
export async function takeSeqOn(tx: Db, seatId: number, span = 1): Promise<number> {
  const { seatStreams } = tablesOf(tx);
  const [row] = await tx
    .insert(seatStreams)
    .values({ seatId, seq: span })
    .onConflictDoUpdate({ target: seatStreams.seatId, set: { seq: sql`${seatStreams.seq} + excluded.seq` } })
    .returning({ seq: seatStreams.seq });
  return row!.seq;
}

/** Records an event in the caller's transaction (see appendActivity). */
export async function appendActivityOn(tx: Db, event: ActivityEvent, span = 1): Promise<ActivityStamp> {
  const { activity } = tablesOf(tx);
  const seq = event.seatId === null ? null : await takeSeqOn(tx, event.seatId, span);
  const [row] = await tx
    .insert(activity)
    .values({ seatId: event.seatId, targetId: event.targetId ?? null, kind: event.kind, messageId: event.messageId ?? null, seq, createdAt: event.at })
    .returning({ cursor: activity.cursor });
  return { cursor: row!.cursor, seq };
}
