// SQL of transfers: seat search, the ownership move and its record, and the transfer history.
// Every writer here takes the `tx` of the caller's write transaction.
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { conversations, transfers, users } from '../db/schema.js';

export type TransferRow = typeof transfers.$inferSelect;

export interface SeatCandidate {
  id: number;
  name: string;
  username: string;
}

/** A user that is a seat, with what a transfer needs to know about it. */
export function findSeat(tx: Db, seatId: number) {
  return tx
    .select({ id: users.id, name: users.name, username: users.username, branchId: users.branchId, disabled: users.disabled })
    .from(users)
    .where(and(eq(users.id, seatId), eq(users.role, 'seat')))
    .get();
}

/**
 * Enabled seats of `branchId` other than `excludeId` whose name or username contains `text`.
 * instr() instead of LIKE so that `%` and `_` in the search text are matched literally.
 */
export function searchSeats(db: Db, options: { branchId: number; excludeId: number; text: string; limit: number }): SeatCandidate[] {
  const needle = options.text.toLowerCase();
  return db
    .select({ id: users.id, name: users.name, username: users.username })
    .from(users)
    .where(
      and(
        eq(users.branchId, options.branchId),
        eq(users.role, 'seat'),
        eq(users.disabled, false),
        ne(users.id, options.excludeId),
        sql`(instr(lower(${users.name}), ${needle}) > 0 OR instr(lower(${users.username}), ${needle}) > 0)`,
      ),
    )
    .orderBy(users.name, users.id)
    .limit(options.limit)
    .all();
}

export function findTransferByRequestKey(tx: Db, requestKey: string): TransferRow | undefined {
  return tx.select().from(transfers).where(eq(transfers.requestKey, requestKey)).get();
}

/**
 * Moves the conversation to `toSeatId` only if `fromSeatId` still owns it; false when another
 * writer got there first (cannot happen under BEGIN IMMEDIATE, but the guard costs nothing).
 */
export function moveConversation(tx: Db, move: { targetId: number; fromSeatId: number; toSeatId: number; cursor: number }): boolean {
  const result = tx
    .update(conversations)
    .set({ seatId: move.toSeatId, lastCursor: move.cursor })
    .where(and(eq(conversations.targetId, move.targetId), eq(conversations.seatId, move.fromSeatId)))
    .run();
  return result.changes === 1;
}

export function insertTransfer(
  tx: Db,
  row: { targetId: number; fromSeatId: number; toSeatId: number; byUserId: number; reason: string | null; requestKey: string | null; at: number },
): TransferRow {
  return tx
    .insert(transfers)
    .values({
      targetId: row.targetId,
      fromSeatId: row.fromSeatId,
      toSeatId: row.toSeatId,
      byUserId: row.byUserId,
      reason: row.reason,
      requestKey: row.requestKey,
      createdAt: row.at,
    })
    .returning()
    .get();
}

/** The latest transfer of `targetId` into `toSeatId`, with the giving seat's name. */
export function latestTransferInto(db: Db, targetId: number, toSeatId: number) {
  return db
    .select({ transfer: transfers, fromName: users.name })
    .from(transfers)
    .innerJoin(users, eq(users.id, transfers.fromSeatId))
    .where(and(eq(transfers.targetId, targetId), eq(transfers.toSeatId, toSeatId)))
    .orderBy(desc(transfers.id))
    .limit(1)
    .get();
}

/** Every transfer of a target, oldest first (the chain from the first owner to the current one). */
export function transferChain(db: Db, targetId: number): TransferRow[] {
  return db.select().from(transfers).where(eq(transfers.targetId, targetId)).orderBy(transfers.id).all();
}
