// A seat's replies: stored pending (idempotent per seat and clientMsgId), then moved forward by
// the bridge's answers and status reports, never backwards. Each change appends a cursor.
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { appendActivity } from '../activity/activity.repository.js';
import { claimWebhookId } from './webhook-ids.repository.js';
import { tallyMessage } from '../dashboard/counters.repository.js';
import { clientOf, writeTransaction, type Db } from '../db/open.js';
import { accounts, conversations, messages, targets, users, type MessageStatus } from '../db/schema.js';
import { notFound } from '../http/errors.js';

export type MessageRow = typeof messages.$inferSelect;

export interface PendingInput {
  seatId: number;
  /** TZ_NAME: the day and hour the reply counts on in the dashboard. */
  tzName: string;
  accountId: number;
  targetId: number;
  contentType: string;
  content: string;
  clientMsgId: string;
  now: number;
}

export type PendingResult =
  | { created: true; message: MessageRow; cursor: number; seq: number; branchId: number | null; day: string }
  | { created: false; message: MessageRow };

export function createPendingMessage(db: Db, input: PendingInput): PendingResult {
  return writeTransaction(db, (tx) => {
    const existing = tx
      .select()
      .from(messages)
      .where(and(eq(messages.sentBySeatId, input.seatId), eq(messages.clientMsgId, input.clientMsgId)))
      .get();
    if (existing) return { created: false, message: existing };
    // A reply counts on the dashboard when it is stored (pending), in this transaction: that is
    // when it becomes the conversation's last message, so "unreplied" and the reply time move
    // together; a send that later fails stays counted, as it stays in the history.
    const state = tx
      .select({
        unansweredSince: conversations.unansweredSince,
        activeDay: conversations.activeDay,
        lastSendTime: conversations.lastSendTime,
        branchId: users.branchId,
      })
      .from(conversations)
      .leftJoin(users, eq(users.id, conversations.seatId))
      .where(eq(conversations.targetId, input.targetId))
      .get() ?? { unansweredSince: null, activeDay: null, lastSendTime: null, branchId: null };
    const counted = tallyMessage(clientOf(tx), input.tzName, state, { sendTime: input.now, inbound: false, seatId: input.seatId, branchId: state.branchId });
    const { cursor, seq } = appendActivity(tx, { seatId: input.seatId, targetId: input.targetId, kind: 'message', at: input.now });
    const message = tx
      .insert(messages)
      .values({
        accountId: input.accountId,
        targetId: input.targetId,
        sender: 0,
        contentType: input.contentType,
        content: input.content,
        sendTime: input.now,
        status: 'pending',
        readState: 1,
        sentBySeatId: input.seatId,
        clientMsgId: input.clientMsgId,
        cursor,
        createdAt: input.now,
      })
      .returning()
      .get();
    tx.update(conversations)
      .set({
        lastMessageId: message.id,
        lastContent: input.content,
        lastContentType: input.contentType,
        lastSendTime: input.now,
        lastCursor: cursor,
        unansweredSince: counted.unansweredSince,
        activeDay: counted.activeDay,
      })
      .where(eq(conversations.targetId, input.targetId))
      .run();
    return { created: true, message, cursor, seq: seq!, branchId: state.branchId, day: counted.day };
  });
}

/** What the bridge needs to send a stored reply: the account's phone, the target's platform id. */
export function sendRequestOf(db: Db, messageId: number) {
  return db
    .select({
      phone: accounts.phone,
      to: targets.platformUid,
      contentType: messages.contentType,
      content: messages.content,
      clientMsgId: messages.clientMsgId,
      status: messages.status,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .innerJoin(accounts, eq(accounts.id, messages.accountId))
    .innerJoin(targets, eq(targets.id, messages.targetId))
    .where(eq(messages.id, messageId))
    .get();
}

export interface StatusChange {
  messageId: number;
  targetId: number;
  /** The conversation's owner, who gets the push. */
  seatId: number | null;
  status: MessageStatus;
  reason: string | null;
  cursor: number;
  /** In the owner's stream; null when nobody owns the conversation. */
  seq: number | null;
}

const RANK: Partial<Record<MessageStatus, number>> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/** May a message in `from` move to `to`? Only forward; `failed` only before delivery. */
export function canMove(from: MessageStatus, to: MessageStatus): boolean {
  if (to === 'failed') return from === 'pending' || from === 'sent';
  const a = RANK[from];
  const b = RANK[to];
  return a !== undefined && b !== undefined && b > a;
}

function move(tx: Db, row: MessageRow, to: MessageStatus, reason: string | null, now: number, extra: Partial<MessageRow> = {}): StatusChange {
  const owner = tx.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, row.targetId)).get();
  const seatId = owner?.seatId ?? null;
  const { cursor, seq } = appendActivity(tx, { seatId, targetId: row.targetId, kind: 'status', messageId: row.id, at: now });
  tx.update(messages).set({ status: to, statusReason: reason, ...extra }).where(eq(messages.id, row.id)).run();
  return { messageId: row.id, targetId: row.targetId, seatId, status: to, reason, cursor, seq };
}

/** The bridge took the send: remember its id (status reports name it) and mark it sent. */
export function markAccepted(db: Db, messageId: number, bridgeMsgId: string, now: number): StatusChange | null {
  return writeTransaction(db, (tx) => {
    const row = tx.select().from(messages).where(eq(messages.id, messageId)).get();
    if (!row || row.status !== 'pending') return null;
    // A bridge that echoed the send as a messageCallback already stored that id: keep the
    // echo, and do not break the unique (account, bridge msgId) index.
    const taken = tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.accountId, row.accountId), eq(messages.bridgeMsgId, bridgeMsgId)))
      .get();
    return move(tx, row, 'sent', null, now, taken ? {} : { bridgeMsgId });
  });
}

export function markFailed(db: Db, messageId: number, reason: string, now: number): StatusChange | null {
  return writeTransaction(db, (tx) => {
    const row = tx.select().from(messages).where(eq(messages.id, messageId)).get();
    if (!row || !canMove(row.status, 'failed')) return null;
    return move(tx, row, 'failed', reason, now);
  });
}

export interface BridgeStatusReport {
  phone: string;
  msgId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  reason?: string;
}

export type BridgeStatusResult =
  | { duplicate: true; messageId: number | null; status: MessageStatus | null }
  | { duplicate: false; messageId: number; status: MessageStatus; change: StatusChange | null };

/** A status report from the bridge (callback or sandbox), applied once per webhook id. */
export function applyBridgeStatus(db: Db, report: BridgeStatusReport, options: { now: number; webhookId?: string }): BridgeStatusResult {
  return writeTransaction(db, (tx) => {
    const account = tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, report.phone)).get();
    if (!account) throw notFound('phone');
    const row = tx
      .select()
      .from(messages)
      .where(and(eq(messages.accountId, account.id), eq(messages.bridgeMsgId, report.msgId)))
      .get();
    if (!row) throw notFound('msgId');
    if (options.webhookId !== undefined && !claimWebhookId(tx, options.webhookId, 'messageStatus', options.now)) {
      return { duplicate: true, messageId: row.id, status: row.status };
    }
    if (!canMove(row.status, report.status)) return { duplicate: false, messageId: row.id, status: row.status, change: null };
    const change = move(tx, row, report.status, report.reason ?? null, options.now);
    return { duplicate: false, messageId: row.id, status: change.status, change };
  });
}

/**
 * Replies still pending long after every retry would have ended: the hub stopped (crash,
 * deploy) between storing and handing them over. They end as failed, never silently pending;
 * re-sending could double a message the bridge already took.
 */
/** Replies created before `olderThan` that never reached the bridge (oldest 500). */
export function stalePendingQuery(db: Db, olderThan: number) {
  return db
    .select()
    .from(messages)
    // 'pending' as a literal, not a bound parameter, so the planner can use the partial index
    // messages_pending instead of scanning every message.
    .where(and(sql`${messages.status} = 'pending'`, isNull(messages.bridgeMsgId), lt(messages.createdAt, olderThan)))
    .limit(500);
}

export function failStalePending(db: Db, olderThan: number, reason: string, now: number): StatusChange[] {
  return writeTransaction(db, (tx) => stalePendingQuery(tx, olderThan).all().map((row) => move(tx, row, 'failed', reason, now)));
}
