// appendActivity (activity/activity.repository.ts) for a transaction of the store: that module
// still takes the synchronous SQLite handle. The same two statements, so the same stamps: the
// seat's seq taken by an upsert that locks its row until commit, then the activity row.
// Replace with the activity module's own once it takes the store's handle.
import { sql } from 'drizzle-orm';
import type { ActivityEvent, ActivityStamp } from '../activity/activity.repository.js';
import { tablesOf, type Db } from '../db/store.js';

export async function appendActivityIn(tx: Db, event: ActivityEvent): Promise<ActivityStamp> {
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
