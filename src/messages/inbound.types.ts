// What storing a bridge message means, whichever engine stores it: dedupe by (account, bridge
// msgId) and by the delivery's webhook id, first-seen target (+ conversation + one incoming
// fan), the activity cursor and the owning seat's stream number(s), the message, the
// conversation's last message and unread count, and the dashboard counters, all in one
// transaction with the other messages of its batch.
import type { ConvType, messages } from '../db/schema.js';

export interface BridgeMessage {
  phone: string;
  msgId: string;
  direction: 'in' | 'out';
  from: { id: string; name?: string; convType?: ConvType };
  contentType: string;
  content: string;
  thumb?: string;
  mediaRef?: string;
  sendTime: number;
}

export interface StoredMessage {
  duplicate: false;
  messageId: number;
  cursor: number;
  /** The message:new push's number in the owning seat's stream (null: no seat); a new fan's
   * fans:count push takes the next one, `seq + 1`. */
  seq: number | null;
  accountId: number;
  seatId: number | null;
  /** The owning seat's branch when stored (null: no seat or no branch): whose dashboard changed. */
  branchId: number | null;
  /** The day (TZ_NAME) the message counted on. */
  day: string;
  target: { id: number; name: string; convType: ConvType };
  message: typeof messages.$inferSelect;
  /** Set when this message made a first-seen target: one incoming fan for that seat and day. */
  newFan: { seatId: number; day: string } | null;
}

export interface DuplicateMessage {
  duplicate: true;
  /** The message stored earlier, when one exists (a replayed webhook id may carry another msgId). */
  messageId: number | null;
  targetId: number | null;
}

export interface StoreOptions {
  tzName: string;
  now: number;
  /** The delivery's `webhook-id`: claimed in the same transaction, so a replay changes nothing. */
  webhookId?: string;
}

export interface BatchItem {
  input: BridgeMessage;
  options: StoreOptions;
}

/** One item's outcome in a batch: stored, a duplicate, or the error that rolled back that item alone. */
export type BatchOutcome = { ok: StoredMessage | DuplicateMessage } | { error: unknown };

export interface InboundStore {
  /**
   * Stores several messages in one transaction, in order, each as if stored alone: an item that
   * fails (an unknown phone) rolls back to its own savepoint and the others still commit. A
   * failed BEGIN or COMMIT rejects for the whole batch.
   */
  storeBatch(items: BatchItem[]): Promise<BatchOutcome[]>;
}
