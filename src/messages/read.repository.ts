// Read state and recall, shared by `message:read` and PUT /xd/client/updateMessage. The caller
// has already checked that the seat owns the conversation; this keeps unreadCount equal to the
// number of unread inbound messages, in the same transaction.
import { and, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import { appendActivity } from '../activity/activity.repository.js';
import type { MessageStatus } from '../db/schema.js';
import type { Store } from '../db/store.js';

export interface UpdateInput {
  seatId: number;
  targetId: number;
  action: 'read' | 'recall';
  /** Only these messages; all of the target's when absent (read only). */
  msgIds?: number[];
  /** For `read`: 1 marks read (default), 0 marks unread again. */
  readState?: 0 | 1;
  now: number;
}

export interface UpdatedMessage {
  id: number;
  status?: MessageStatus;
  readState?: 0 | 1;
}

/** Nothing changed, or the change's cursor and the last of the seq numbers it took (one per message). */
export type UpdateResult = { updated: UpdatedMessage[]; cursor: null; seq: null } | { updated: UpdatedMessage[]; cursor: number; seq: number };

const NOT_RECALLABLE: MessageStatus[] = ['failed', 'recalled', 'received'];

export async function updateMessages(store: Store, input: UpdateInput): Promise<UpdateResult> {
  const { conversations, messages } = store.tables;
  return store.transaction(async (tx) => {
    const only = input.msgIds === undefined ? undefined : inArray(messages.id, input.msgIds);
    let updated: UpdatedMessage[];
    if (input.action === 'read') {
      const state = input.readState ?? 1;
      const rows = await tx
        .update(messages)
        .set({ readState: state })
        .where(and(eq(messages.targetId, input.targetId), eq(messages.sender, 1), ne(messages.readState, state), only))
        .returning({ id: messages.id });
      updated = rows.map((r) => ({ id: r.id, readState: state }));
    } else {
      // Only the seat's own replies, and only ones that went (or may still go) out.
      const rows = await tx
        .update(messages)
        .set({ status: 'recalled' })
        .where(
          and(
            eq(messages.targetId, input.targetId),
            eq(messages.sender, 0),
            eq(messages.sentBySeatId, input.seatId),
            notInArray(messages.status, NOT_RECALLABLE),
            only,
          ),
        )
        .returning({ id: messages.id });
      updated = rows.map((r) => ({ id: r.id, status: 'recalled' as const }));
    }
    if (updated.length === 0) return { updated, cursor: null, seq: null };
    // RETURNING's order is the engine's (and the plan's) to choose: the pushes go by id.
    updated.sort((a, b) => a.id - b.id);

    const { cursor, seq } = await appendActivity(tx, { seatId: input.seatId, targetId: input.targetId, kind: input.action, at: input.now }, updated.length);
    const unread = sql`(SELECT count(*) FROM ${messages} WHERE ${messages.targetId} = ${input.targetId} AND ${messages.sender} = 1 AND ${messages.readState} = 0)`;
    // The highest message read, without max(a, b) (SQLite's scalar; PostgreSQL says greatest).
    const readUpTo = Math.max(...updated.map((u) => u.id));
    await tx
      .update(conversations)
      .set({
        unreadCount: unread,
        lastCursor: cursor,
        readUpToMessageId:
          input.action === 'read' && input.msgIds === undefined && (input.readState ?? 1) === 1
            ? sql`CASE WHEN ${conversations.readUpToMessageId} < ${readUpTo} THEN ${readUpTo} ELSE ${conversations.readUpToMessageId} END`
            : conversations.readUpToMessageId,
      })
      .where(eq(conversations.targetId, input.targetId));
    return { updated, cursor, seq: seq! };
  });
}
