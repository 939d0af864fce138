// The activity rows an account change writes (account:assigned / account:unassigned), on the
// store's transaction handle. Same rows and numbering as src/activity's appendActivity, which
// still runs on the synchronous handle: a reassignment must stamp its seats inside its own
// transaction on either engine, so it cannot call that one yet.
import { sql } from 'drizzle-orm';
import { tablesOf, type Db } from '../db/store.js';

export interface SeatEvent {
  seatId: number;
  targetId?: number | null;
  kind: 'account:assigned' | 'account:unassigned';
  at: number;
}

/** Where a stored event stands: the hub-wide cursor and the seat's stream number. */
export interface SeatStamp {
  cursor: number;
  seq: number;
}

/**
 * Takes the seat's next stream number (the upsert locks the seat's row until commit, so numbers
 * commit in order) and appends the event to the hub-wide cursor.
 */
export async function appendSeatActivity(tx: Db, event: SeatEvent): Promise<SeatStamp> {
  const { activity, seatStreams } = tablesOf(tx);
  const [stream] = await tx
    .insert(seatStreams)
    .values({ seatId: event.seatId, seq: 1 })
    .onConflictDoUpdate({ target: seatStreams.seatId, set: { seq: sql`${seatStreams.seq} + excluded.seq` } })
    .returning({ seq: seatStreams.seq });
  const [row] = await tx
    .insert(activity)
    .values({ seatId: event.seatId, targetId: event.targetId ?? null, kind: event.kind, messageId: null, seq: stream!.seq, createdAt: event.at })
    .returning({ cursor: activity.cursor });
  return { cursor: row!.cursor, seq: stream!.seq };
}
