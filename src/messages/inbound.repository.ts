// Stores a message the bridge reported, in one write transaction: dedupe by (account, bridge
// msgId), first-seen target (+ conversation + one incoming fan), the activity cursor, the
// message, and the conversation's last message and unread count.
import { and, eq, sql } from 'drizzle-orm';
import { appendActivity } from '../activity/activity.repository.js';
import { claimWebhookId } from '../bridge/deliveries.repository.js';
import { writeTransaction, type Db } from '../db/open.js';
import { accounts, conversations, fanEvents, messages, targets, type ConvType } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import { dayOf } from '../time.js';

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
  accountId: number;
  seatId: number | null;
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

export function storeBridgeMessage(db: Db, input: BridgeMessage, options: StoreOptions): StoredMessage | DuplicateMessage {
  return writeTransaction(db, (tx) => {
    const account = tx.select({ id: accounts.id, seatId: accounts.seatId }).from(accounts).where(eq(accounts.phone, input.phone)).get();
    if (!account) throw notFound('phone');

    const existing = tx
      .select({ id: messages.id, targetId: messages.targetId })
      .from(messages)
      .where(and(eq(messages.accountId, account.id), eq(messages.bridgeMsgId, input.msgId)))
      .get();
    const freshDelivery = options.webhookId === undefined || claimWebhookId(tx, options.webhookId, 'messageCallback', options.now);
    if (existing || !freshDelivery) return { duplicate: true, messageId: existing?.id ?? null, targetId: existing?.targetId ?? null };

    let target = tx
      .select({ id: targets.id, name: targets.name, convType: targets.convType })
      .from(targets)
      .where(and(eq(targets.accountId, account.id), eq(targets.platformUid, input.from.id)))
      .get();
    let newFan: StoredMessage['newFan'] = null;
    let seatId: number | null;
    if (!target) {
      target = tx
        .insert(targets)
        .values({
          accountId: account.id,
          platformUid: input.from.id,
          name: input.from.name ?? '',
          convType: input.from.convType ?? 'stranger',
          createdAt: options.now,
        })
        .returning({ id: targets.id, name: targets.name, convType: targets.convType })
        .get();
      seatId = account.seatId;
      tx.insert(conversations).values({ targetId: target.id, accountId: account.id, seatId, createdAt: options.now }).run();
      if (seatId !== null) {
        newFan = { seatId, day: dayOf(input.sendTime, options.tzName) };
        tx.insert(fanEvents)
          .values({ seatId, accountId: account.id, targetId: target.id, day: newFan.day, delta: 1, reason: 'first message', createdAt: options.now })
          .run();
      }
    } else {
      const conversation = tx.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, target.id)).get();
      seatId = conversation?.seatId ?? null;
      const renamed = input.from.name !== undefined && input.from.name !== '' && input.from.name !== target.name;
      const retyped = input.from.convType !== undefined && input.from.convType !== target.convType;
      if (renamed || retyped) {
        target = tx
          .update(targets)
          .set({ name: renamed ? input.from.name : target.name, convType: input.from.convType ?? target.convType })
          .where(eq(targets.id, target.id))
          .returning({ id: targets.id, name: targets.name, convType: targets.convType })
          .get();
      }
    }

    const inbound = input.direction === 'in';
    const cursor = appendActivity(tx, { seatId, targetId: target.id, kind: 'message', at: options.now });
    const message = tx
      .insert(messages)
      .values({
        accountId: account.id,
        targetId: target.id,
        bridgeMsgId: input.msgId,
        sender: inbound ? 1 : 0,
        contentType: input.contentType,
        content: input.content,
        thumb: input.thumb ?? null,
        mediaRef: input.mediaRef ?? null,
        sendTime: input.sendTime,
        status: inbound ? 'received' : 'sent',
        readState: inbound ? 0 : 1,
        cursor,
        createdAt: options.now,
      })
      .returning()
      .get();

    // A late, older message must not replace the conversation's last message.
    tx.update(conversations)
      .set({
        lastMessageId: sql`CASE WHEN coalesce(${conversations.lastSendTime}, 0) <= ${input.sendTime} THEN ${message.id} ELSE ${conversations.lastMessageId} END`,
        lastContent: sql`CASE WHEN coalesce(${conversations.lastSendTime}, 0) <= ${input.sendTime} THEN ${input.content} ELSE ${conversations.lastContent} END`,
        lastContentType: sql`CASE WHEN coalesce(${conversations.lastSendTime}, 0) <= ${input.sendTime} THEN ${input.contentType} ELSE ${conversations.lastContentType} END`,
        lastSendTime: sql`max(coalesce(${conversations.lastSendTime}, 0), ${input.sendTime})`,
        lastCursor: cursor,
        unreadCount: inbound ? sql`${conversations.unreadCount} + 1` : conversations.unreadCount,
      })
      .where(eq(conversations.targetId, target.id))
      .run();

    return { duplicate: false, messageId: message.id, cursor, accountId: account.id, seatId, target, message, newFan };
  });
}
