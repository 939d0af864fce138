// The inbound path on PostgreSQL: a batch is one transaction on one pooled connection, each
// item in its own savepoint (an unknown phone rolls back that item alone, as on SQLite). Hubs on
// several hosts may store into one database at once, so every "is it there yet?" is settled by
// a constraint, not by the read before it: the webhook id and the message are claimed with
// INSERT … ON CONFLICT DO NOTHING … RETURNING, a first-seen target likewise, and the seat's
// stream numbers come from the seat_streams upsert, whose row lock makes concurrent batches of
// one seat number its events in commit order.
import { and, eq, sql } from 'drizzle-orm';
import { appendActivity } from '../activity/activity.repository.js';
import { tallyMessageIn, type ConversationTally } from '../dashboard/counters.repository.js';
import { dbFailure, tablesOf, type Db, type PgStore } from '../db/store.js';
import { hubError, notFound } from '../http/errors.js';
import type { BatchOutcome, BridgeMessage, DuplicateMessage, InboundStore, StoredMessage, StoreOptions } from './inbound.types.js';

/** Another batch stored this message between our check and our insert: this item's writes
 * are rolled back with its savepoint and it answers as the duplicate it is. */
class StoredMeanwhile extends Error {}

// Two batches that touch the same seats (or conversations) in opposite orders can deadlock;
// PostgreSQL aborts one, which is then run again whole (nothing of it was committed).
const DEADLOCK_ATTEMPTS = 3;

const NEW_CONVERSATION: ConversationTally = { unansweredSince: null, activeDay: null, lastSendTime: null };

export function createPgInbound(store: PgStore): InboundStore {
  const storeItems = (tx: Db, items: Parameters<InboundStore['storeBatch']>[0]) => async () => {
    const outcomes: BatchOutcome[] = [];
    for (const { input, options } of items) {
      try {
        outcomes.push({ ok: await store.transaction((item) => storeOne(item, input, options), { within: tx }) });
      } catch (error) {
        if (error instanceof StoredMeanwhile) outcomes.push({ ok: await duplicateOf(tx, input) });
        else if (dbFailure(error) === 'serialization') throw error; // the whole transaction is aborted
        else outcomes.push({ error });
      }
    }
    return outcomes;
  };

  return {
    async storeBatch(items) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await store.transaction((tx) => storeItems(tx, items)());
        } catch (error) {
          if (attempt >= DEADLOCK_ATTEMPTS || dbFailure(error) !== 'serialization') throw error;
        }
      }
    },
  };
}

async function duplicateOf(tx: Db, input: BridgeMessage): Promise<DuplicateMessage> {
  const { accounts, messages } = tablesOf(tx);
  const [row] = await tx
    .select({ id: messages.id, targetId: messages.targetId })
    .from(messages)
    .innerJoin(accounts, eq(accounts.id, messages.accountId))
    .where(and(eq(accounts.phone, input.phone), eq(messages.bridgeMsgId, input.msgId)));
  return { duplicate: true, messageId: row?.id ?? null, targetId: row?.targetId ?? null };
}

async function storeOne(tx: Db, input: BridgeMessage, options: StoreOptions): Promise<StoredMessage | DuplicateMessage> {
  const { accounts, conversations, fanEvents, messages, targets, users, webhookDeliveries } = tablesOf(tx);
  const targetColumns = { id: targets.id, name: targets.name, convType: targets.convType };
  const now = options.now;
  const [account] = await tx
    .select({ id: accounts.id, seatId: accounts.seatId, disabled: accounts.disabled, branchId: users.branchId })
    .from(accounts)
    .leftJoin(users, eq(users.id, accounts.seatId))
    .where(eq(accounts.phone, input.phone));
  if (!account) throw notFound('phone');
  // Refused before the webhook id is claimed: a disabled account's traffic leaves no trace.
  if (account.disabled) throw hubError('bridge_account_disabled', 'account disabled');
  const accountId = account.id;

  const [existing] = await tx
    .select({ id: messages.id, targetId: messages.targetId })
    .from(messages)
    .where(and(eq(messages.accountId, accountId), eq(messages.bridgeMsgId, input.msgId)));
  const freshDelivery =
    options.webhookId === undefined ||
    (
      await tx
        .insert(webhookDeliveries)
        .values({ webhookId: options.webhookId, path: 'messageCallback', receivedAt: now })
        .onConflictDoNothing()
        .returning({ webhookId: webhookDeliveries.webhookId })
    ).length > 0;
  if (existing || !freshDelivery) return { duplicate: true, messageId: existing?.id ?? null, targetId: existing?.targetId ?? null };

  const findTarget = async () =>
    (await tx.select(targetColumns).from(targets).where(and(eq(targets.accountId, accountId), eq(targets.platformUid, input.from.id))))[0];
  let target = await findTarget();
  let created = false;
  if (!target) {
    [target] = await tx
      .insert(targets)
      .values({ accountId, platformUid: input.from.id, name: input.from.name ?? '', convType: input.from.convType ?? 'stranger', createdAt: now })
      .onConflictDoNothing()
      .returning(targetColumns);
    created = target !== undefined;
    // Another host's batch made it first (and has committed): it is an existing target now.
    target ??= await findTarget();
    if (!target) throw new Error('target vanished after a conflicting insert');
  }

  let seatId: number | null;
  let branchId: number | null;
  let tally = NEW_CONVERSATION;
  if (created) {
    seatId = account.seatId;
    branchId = account.branchId;
    await tx.insert(conversations).values({ targetId: target.id, accountId, seatId, createdAt: now });
  } else {
    const [conversation] = await tx
      .select({
        seatId: conversations.seatId,
        branchId: users.branchId,
        unansweredSince: conversations.unansweredSince,
        activeDay: conversations.activeDay,
        lastSendTime: conversations.lastSendTime,
      })
      .from(conversations)
      .leftJoin(users, eq(users.id, conversations.seatId))
      .where(eq(conversations.targetId, target.id));
    seatId = conversation?.seatId ?? null;
    branchId = conversation?.branchId ?? null;
    if (conversation) tally = conversation;
    const renamed = input.from.name !== undefined && input.from.name !== '' && input.from.name !== target.name;
    const retyped = input.from.convType !== undefined && input.from.convType !== target.convType;
    if (renamed || retyped) {
      [target] = await tx
        .update(targets)
        .set({ name: renamed ? input.from.name : target.name, convType: input.from.convType ?? target.convType })
        .where(eq(targets.id, target.id))
        .returning(targetColumns);
    }
  }
  const { id: targetId } = target!;

  const inbound = input.direction === 'in';
  const counted = await tallyMessageIn(tx, options.tzName, tally, { sendTime: input.sendTime, inbound, seatId, branchId });
  let newFan: StoredMessage['newFan'] = null;
  if (tally === NEW_CONVERSATION && seatId !== null) {
    newFan = { seatId, day: counted.day };
    await tx.insert(fanEvents).values({ seatId, accountId, targetId, day: newFan.day, delta: 1, reason: 'first message', createdAt: now });
  }
  // A new fan is a second push (fans:count) of the same change: the row takes two numbers.
  const span = newFan ? 2 : 1;
  const stamp = await appendActivity(tx, { seatId, targetId, kind: 'message', at: now }, span);
  const { cursor } = stamp;
  const seq = stamp.seq === null ? null : stamp.seq - span + 1;
  const [message] = await tx
    .insert(messages)
    .values({
      accountId,
      targetId,
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
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!message) throw new StoredMeanwhile();

  // A late, older message must not replace the conversation's last message.
  const newer = sql`coalesce(${conversations.lastSendTime}, 0) <= ${input.sendTime}`;
  await tx
    .update(conversations)
    .set({
      lastMessageId: sql`CASE WHEN ${newer} THEN ${message.id} ELSE ${conversations.lastMessageId} END`,
      lastContent: sql`CASE WHEN ${newer} THEN ${input.content} ELSE ${conversations.lastContent} END`,
      lastContentType: sql`CASE WHEN ${newer} THEN ${input.contentType} ELSE ${conversations.lastContentType} END`,
      lastSendTime: sql`CASE WHEN ${newer} THEN ${input.sendTime} ELSE ${conversations.lastSendTime} END`,
      lastCursor: cursor,
      unreadCount: sql`${conversations.unreadCount} + ${inbound ? 1 : 0}`,
      unansweredSince: counted.unansweredSince,
      activeDay: counted.activeDay,
    })
    .where(eq(conversations.targetId, targetId));

  return { duplicate: false, messageId: message.id, cursor, seq, accountId, seatId, branchId, day: counted.day, target: target!, message, newFan };
}
