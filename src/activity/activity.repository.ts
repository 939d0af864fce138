// Appends to the hub-wide cursor. Call inside the write transaction of the event it records,
// so the cursor and the event commit together.
import type { Db } from '../db/open.js';
import { activity } from '../db/schema.js';

export interface ActivityEvent {
  seatId: number | null;
  targetId?: number | null;
  kind: string;
  messageId?: number | null;
  at: number;
}

export function appendActivity(tx: Db, event: ActivityEvent): number {
  const row = tx
    .insert(activity)
    .values({
      seatId: event.seatId,
      targetId: event.targetId ?? null,
      kind: event.kind,
      messageId: event.messageId ?? null,
      createdAt: event.at,
    })
    .returning({ cursor: activity.cursor })
    .get();
  return row.cursor;
}
