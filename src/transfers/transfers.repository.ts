// SQL of transfers: seat search, the ownership move and its record, and the transfer history.
// Every writer here takes the `tx` of the caller's transaction.
import { and, desc, eq, ne, sql, type Column } from 'drizzle-orm';
import type { transfers } from '../db/schema.js';
import type { Db, Store } from '../db/store.js';

export type TransferRow = typeof transfers.$inferSelect;

export interface SeatCandidate {
  id: number;
  name: string;
  username: string;
}

export interface SeatOfTransfer extends SeatCandidate {
  branchId: number | null;
  disabled: boolean;
}

export interface NewTransfer {
  targetId: number;
  fromSeatId: number;
  toSeatId: number;
  byUserId: number;
  reason: string | null;
  requestKey: string | null;
  at: number;
}

export interface TransfersRepository {
  /** A user that is a seat, with what a transfer needs to know about it. */
  findSeat(tx: Db, seatId: number): Promise<SeatOfTransfer | undefined>;
  /** Enabled seats of `branchId` other than `excludeId` whose name or username contains `text` literally. */
  searchSeats(options: { branchId: number; excludeId: number; text: string; limit: number }): Promise<SeatCandidate[]>;
  findTransferByRequestKey(tx: Db, requestKey: string): Promise<TransferRow | undefined>;
  /** The seat owning the target's conversation now (null: none; undefined: no conversation). */
  ownerOf(tx: Db, targetId: number): Promise<number | null | undefined>;
  /** Moves the conversation to `toSeatId` only if `fromSeatId` still owns it; false when not. */
  moveConversation(tx: Db, move: { targetId: number; fromSeatId: number; toSeatId: number; cursor: number }): Promise<boolean>;
  insertTransfer(tx: Db, row: NewTransfer): Promise<TransferRow>;
  /** The latest transfer of `targetId` into `toSeatId`, with the giving seat's name. */
  latestTransferInto(targetId: number, toSeatId: number): Promise<{ transfer: TransferRow; fromName: string } | undefined>;
  /** Every transfer of a target, oldest first (the chain from the first owner to the current one). */
  transferChain(targetId: number): Promise<TransferRow[]>;
}

export function createTransfersRepository(store: Store): TransfersRepository {
  const { conversations, transfers, users } = store.tables;
  const db = store.db;
  // A substring test that takes `%` and `_` literally (LIKE would not): instr on SQLite,
  // strpos on PostgreSQL.
  const contains = store.dialect === 'pg' ? 'strpos' : 'instr';

  return {
    async findSeat(tx, seatId) {
      const [row] = await tx
        .select({ id: users.id, name: users.name, username: users.username, branchId: users.branchId, disabled: users.disabled })
        .from(users)
        .where(and(eq(users.id, seatId), eq(users.role, 'seat')));
      return row;
    },

    async searchSeats(options) {
      const needle = options.text.toLowerCase();
      const within = (column: Column) => sql`${sql.raw(contains)}(lower(${column}), ${needle}) > 0`;
      return db
        .select({ id: users.id, name: users.name, username: users.username })
        .from(users)
        .where(
          and(
            eq(users.branchId, options.branchId),
            eq(users.role, 'seat'),
            eq(users.disabled, false),
            ne(users.id, options.excludeId),
            sql`(${within(users.name)} OR ${within(users.username)})`,
          ),
        )
        // Names compare bytewise on both engines, so both answer the same order.
        .orderBy(sql`${users.name} COLLATE ${sql.raw(store.dialect === 'pg' ? '"C"' : 'BINARY')}`, users.id)
        .limit(options.limit);
    },

    async findTransferByRequestKey(tx, requestKey) {
      const [row] = await tx.select().from(transfers).where(eq(transfers.requestKey, requestKey));
      return row;
    },

    async ownerOf(tx, targetId) {
      const [row] = await tx.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, targetId));
      return row?.seatId;
    },

    async moveConversation(tx, move) {
      const rows = await tx
        .update(conversations)
        .set({ seatId: move.toSeatId, lastCursor: move.cursor })
        .where(and(eq(conversations.targetId, move.targetId), eq(conversations.seatId, move.fromSeatId)))
        .returning({ targetId: conversations.targetId });
      return rows.length === 1;
    },

    async insertTransfer(tx, row) {
      const [inserted] = await tx
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
        .returning();
      return inserted!;
    },

    async latestTransferInto(targetId, toSeatId) {
      const [row] = await db
        .select({ transfer: transfers, fromName: users.name })
        .from(transfers)
        .innerJoin(users, eq(users.id, transfers.fromSeatId))
        .where(and(eq(transfers.targetId, targetId), eq(transfers.toSeatId, toSeatId)))
        .orderBy(desc(transfers.id))
        .limit(1);
      return row;
    },

    async transferChain(targetId) {
      return db.select().from(transfers).where(eq(transfers.targetId, targetId)).orderBy(transfers.id);
    },
  };
}
