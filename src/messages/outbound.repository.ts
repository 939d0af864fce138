// A seat's replies: stored pending (idempotent per seat and clientMsgId), then moved forward by
// the bridge's answers and status reports, never backwards. Each change appends a cursor.
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { appendActivity } from '../activity/activity.repository.js';
import { claimWebhookId } from './webhook-ids.repository.js';
import { tallyMessageIn } from '../dashboard/counters.repository.js';
import type { messages, MessageStatus } from '../db/schema.js';
import { dbFailure, tablesOf, type Db, type Store } from '../db/store.js';
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

export async function createPendingMessage(store: Store, input: PendingInput): Promise<PendingResult> {
  const { messages } = store.tables;
  const existing = async (tx: Db) =>
    (await tx.select().from(messages).where(and(eq(messages.sentBySeatId, input.seatId), eq(messages.clientMsgId, input.clientMsgId))))[0];
  try {
    return await store.transaction(async (tx) => {
      const stored = await existing(tx);
      if (stored) return { created: false, message: stored };
      return storePending(tx, input);
    });
  } catch (error) {
    // The same clientMsgId sent twice at once (two tabs, two hosts): the unique index let one
    // through, and the other answers with it.
    if (dbFailure(error) !== 'unique') throw error;
    const stored = await existing(store.db);
    if (!stored) throw error;
    return { created: false, message: stored };
  }
}

async function storePending(tx: Db, input: PendingInput): Promise<PendingResult> {
  const { conversations, messages, users } = tablesOf(tx);
  // A reply counts on the dashboard when it is stored (pending), in this transaction: that is
  // when it becomes the conversation's last message, so "unreplied" and the reply time move
  // together; a send that later fails stays counted, as it stays in the history.
  const [found] = await tx
    .select({
      unansweredSince: conversations.unansweredSince,
      activeDay: conversations.activeDay,
      lastSendTime: conversations.lastSendTime,
      branchId: users.branchId,
    })
    .from(conversations)
    .leftJoin(users, eq(users.id, conversations.seatId))
    .where(eq(conversations.targetId, input.targetId));
  const state = found ?? { unansweredSince: null, activeDay: null, lastSendTime: null, branchId: null };
  const counted = await tallyMessageIn(tx, input.tzName, state, { sendTime: input.now, inbound: false, seatId: input.seatId, branchId: state.branchId });
  const { cursor, seq } = await appendActivity(tx, { seatId: input.seatId, targetId: input.targetId, kind: 'message', at: input.now });
  const [message] = await tx
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
    .returning();
  await tx
    .update(conversations)
    .set({
      lastMessageId: message!.id,
      lastContent: input.content,
      lastContentType: input.contentType,
      lastSendTime: input.now,
      lastCursor: cursor,
      unansweredSince: counted.unansweredSince,
      activeDay: counted.activeDay,
    })
    .where(eq(conversations.targetId, input.targetId));
  return { created: true, message: message!, cursor, seq: seq!, branchId: state.branchId, day: counted.day };
}

/** What the bridge needs to send a stored reply: the account's phone, the target's platform id. */
export async function sendRequestOf(store: Store, messageId: number) {
  const { accounts, messages, targets } = store.tables;
  const [row] = await store.db
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
    .where(eq(messages.id, messageId));
  return row;
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

async function move(tx: Db, row: MessageRow, to: MessageStatus, reason: string | null, now: number, extra: Partial<MessageRow> = {}): Promise<StatusChange> {
  const { conversations, messages } = tablesOf(tx);
  const [owner] = await tx.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, row.targetId));
  const seatId = owner?.seatId ?? null;
  const { cursor, seq } = await appendActivity(tx, { seatId, targetId: row.targetId, kind: 'status', messageId: row.id, at: now });
  await tx.update(messages).set({ status: to, statusReason: reason, ...extra }).where(eq(messages.id, row.id));
  return { messageId: row.id, targetId: row.targetId, seatId, status: to, reason, cursor, seq };
}

/**
 * The message row to move, locked until commit on PostgreSQL: two reports for one message (or
 * a report and the delivery worker) on two hosts must not both pass canMove on the same old
 * status. SQLite's one writer already serializes them.
 */
async function lockedMessage(store: Store, tx: Db, messageId: number): Promise<MessageRow | undefined> {
  const { messages } = store.tables;
  if (store.dialect === 'pg') await store.rows(sql`SELECT 1 FROM ${messages} WHERE ${messages.id} = ${messageId} FOR UPDATE`, tx);
  const [row] = await tx.select().from(messages).where(eq(messages.id, messageId));
  return row;
}

/** The bridge took the send: remember its id (status reports name it) and mark it sent. */
export async function markAccepted(store: Store, messageId: number, bridgeMsgId: string, now: number): Promise<StatusChange | null> {
  const { messages } = store.tables;
  return store.transaction(async (tx) => {
    const row = await lockedMessage(store, tx, messageId);
    if (!row || row.status !== 'pending') return null;
    // A bridge that echoed the send as a messageCallback already stored that id: keep the
    // echo, and do not break the unique (account, bridge msgId) index.
    const [taken] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.accountId, row.accountId), eq(messages.bridgeMsgId, bridgeMsgId)));
    return move(tx, row, 'sent', null, now, taken ? {} : { bridgeMsgId });
  });
}

export async function markFailed(store: Store, messageId: number, reason: string, now: number): Promise<StatusChange | null> {
  return store.transaction(async (tx) => {
    const row = await lockedMessage(store, tx, messageId);
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
export async function applyBridgeStatus(store: Store, report: BridgeStatusReport, options: { now: number; webhookId?: string }): Promise<BridgeStatusResult> {
  const { accounts, messages } = store.tables;
  return store.transaction(async (tx) => {
    const [found] = await tx
      .select({ id: messages.id })
      .from(messages)
      .innerJoin(accounts, eq(accounts.id, messages.accountId))
      .where(and(eq(accounts.phone, report.phone), eq(messages.bridgeMsgId, report.msgId)));
    if (!found) {
      const [account] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, report.phone));
      throw notFound(account ? 'msgId' : 'phone');
    }
    const row = (await lockedMessage(store, tx, found.id))!;
    if (options.webhookId !== undefined && !(await claimWebhookId(tx, options.webhookId, 'messageStatus', options.now))) {
      return { duplicate: true, messageId: row.id, status: row.status };
    }
    if (!canMove(row.status, report.status)) return { duplicate: false, messageId: row.id, status: row.status, change: null };
    const change = await move(tx, row, report.status, report.reason ?? null, options.now);
    return { duplicate: false, messageId: row.id, status: change.status, change };
  });
}

/**
 * Replies still pending long after every retry would have ended: the hub stopped (crash,
 * deploy) between storing and handing them over. They end as failed, never silently pending;
 * re-sending could double a message the bridge already took.
 */
/** Replies created before `olderThan` that never reached the bridge (oldest 500). */
export function stalePendingQuery(tx: Db, olderThan: number) {
  const { messages } = tablesOf(tx);
  return (
    tx
      .select()
      .from(messages)
      // 'pending' as a literal, not a bound parameter, so the planner can use the partial index
      // messages_pending instead of scanning every message.
      .where(and(sql`${messages.status} = 'pending'`, isNull(messages.bridgeMsgId), lt(messages.createdAt, olderThan)))
      .limit(500)
  );
}

export async function failStalePending(store: Store, olderThan: number, reason: string, now: number): Promise<StatusChange[]> {
  return store.transaction(async (tx) => {
    const changes: StatusChange[] = [];
    for (const stale of await stalePendingQuery(tx, olderThan)) {
      // Locked and read again: the worker of another host may have moved it meanwhile.
      const row = await lockedMessage(store, tx, stale.id);
      if (row && row.status === 'pending') changes.push(await move(tx, row, 'failed', reason, now));
    }
    return changes;
  });
}
