// The inbound hot path on SQLite: every statement of a callback prepared once per connection,
// and a batch stored in one synchronous BEGIN IMMEDIATE … COMMIT on the raw connection (inside
// the store's `exclusive`), each item in its own savepoint. What an item stores is described in
// inbound.types.ts; the PostgreSQL side (inbound.pg.ts) stores the same rows.
import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { tallyMessage, type ConversationTally } from '../dashboard/counters.repository.js';
import { clientOf, type Db, type Sqlite } from '../db/open.js';
import * as schema from '../db/schema.js';
import type { SqliteStore } from '../db/store.js';
import { hubError, notFound } from '../http/errors.js';
import { inboundValues, storedMessageRow } from './inbound.shape.js';
import type { BatchItem, BatchOutcome, BridgeMessage, DuplicateMessage, InboundStore, StoredMessage, StoreOptions } from './inbound.types.js';

const { accounts, activity, conversations, fanEvents, messages, seatStreams, targets, users, webhookDeliveries } = schema;

const p = sql.placeholder;
const targetColumns = { id: targets.id, name: targets.name, convType: targets.convType };
// "Is this message at least as new as the conversation's last one?" A late, older message must
// not replace the conversation's last message.
const newer = sql`coalesce(${conversations.lastSendTime}, 0) <= ${p('sendTime')}`;

/**
 * Every statement of the callback path, built and prepared once per database handle: building
 * the SQL and preparing it on every callback was about half the cost of storing a message.
 * Statements prepared on the handle run inside its transaction (one connection).
 */
function prepareStatements(db: Db) {
  return {
    sqlite: clientOf(db),
    // The seat's branch rides along (one more primary-key probe) for the dashboard counters.
    account: db
      .select({ id: accounts.id, seatId: accounts.seatId, disabled: accounts.disabled, branchId: users.branchId })
      .from(accounts)
      .leftJoin(users, eq(users.id, accounts.seatId))
      .where(eq(accounts.phone, p('phone')))
      .prepare(),
    existing: db
      .select({ id: messages.id, targetId: messages.targetId })
      .from(messages)
      .where(and(eq(messages.accountId, p('accountId')), eq(messages.bridgeMsgId, p('msgId'))))
      .prepare(),
    // Same statement as claimWebhookId (webhook-ids.repository.ts), prepared.
    claimWebhook: db
      .insert(webhookDeliveries)
      .values({ webhookId: p('webhookId'), path: 'messageCallback', receivedAt: p('now') })
      .onConflictDoNothing()
      .returning({ webhookId: webhookDeliveries.webhookId })
      .prepare(),
    target: db
      .select(targetColumns)
      .from(targets)
      .where(and(eq(targets.accountId, p('accountId')), eq(targets.platformUid, p('platformUid'))))
      .prepare(),
    insertTarget: db
      .insert(targets)
      .values({ accountId: p('accountId'), platformUid: p('platformUid'), name: p('name'), convType: p('convType'), createdAt: p('now') })
      .returning(targetColumns)
      .prepare(),
    insertConversation: db
      .insert(conversations)
      .values({ targetId: p('targetId'), accountId: p('accountId'), seatId: p('seatId'), createdAt: p('now') })
      .prepare(),
    insertFan: db
      .insert(fanEvents)
      .values({
        seatId: p('seatId'),
        accountId: p('accountId'),
        targetId: p('targetId'),
        day: p('day'),
        delta: 1,
        reason: 'first message',
        createdAt: p('now'),
      })
      .prepare(),
    conversationSeat: db
      .select({
        seatId: conversations.seatId,
        branchId: users.branchId,
        unansweredSince: conversations.unansweredSince,
        activeDay: conversations.activeDay,
        lastSendTime: conversations.lastSendTime,
      })
      .from(conversations)
      .leftJoin(users, eq(users.id, conversations.seatId))
      .where(eq(conversations.targetId, p('targetId')))
      .prepare(),
    updateTarget: db
      .update(targets)
      .set({ name: sql`${p('name')}`, convType: sql`${p('convType')}` })
      .where(eq(targets.id, p('targetId')))
      .returning(targetColumns)
      .prepare(),
    // Same statements as takeSeq and appendActivity (activity.repository.ts), prepared.
    takeSeq: db
      .insert(seatStreams)
      .values({ seatId: p('seatId'), seq: p('span') })
      .onConflictDoUpdate({ target: seatStreams.seatId, set: { seq: sql`${seatStreams.seq} + excluded.seq` } })
      .returning({ seq: seatStreams.seq })
      .prepare(),
    appendActivity: db
      .insert(activity)
      .values({ seatId: p('seatId'), targetId: p('targetId'), kind: 'message', messageId: null, seq: p('seq'), createdAt: p('now') })
      .returning({ cursor: activity.cursor })
      .prepare(),
    insertMessage: db
      .insert(messages)
      .values({
        accountId: p('accountId'),
        targetId: p('targetId'),
        bridgeMsgId: p('bridgeMsgId'),
        sender: p('sender'),
        contentType: p('contentType'),
        content: p('content'),
        thumb: p('thumb'),
        mediaRef: p('mediaRef'),
        sendTime: p('sendTime'),
        status: p('status'),
        readState: p('readState'),
        cursor: p('cursor'),
        createdAt: p('now'),
      })
      .returning({ id: messages.id })
      .prepare(),
    updateConversation: db
      .update(conversations)
      .set({
        lastMessageId: sql`CASE WHEN ${newer} THEN ${p('messageId')} ELSE ${conversations.lastMessageId} END`,
        lastContent: sql`CASE WHEN ${newer} THEN ${p('content')} ELSE ${conversations.lastContent} END`,
        lastContentType: sql`CASE WHEN ${newer} THEN ${p('contentType')} ELSE ${conversations.lastContentType} END`,
        lastSendTime: sql`max(coalesce(${conversations.lastSendTime}, 0), ${p('sendTime')})`,
        lastCursor: sql`${p('cursor')}`,
        unreadCount: sql`${conversations.unreadCount} + ${p('unreadDelta')}`,
        unansweredSince: sql`${p('unansweredSince')}`,
        activeDay: sql`${p('activeDay')}`,
      })
      .where(eq(conversations.targetId, p('targetId')))
      .prepare(),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

interface PreparedStore {
  q: Statements;
  /** `store` wrapped once in better-sqlite3's own transaction (what writeTransaction does per
   * call, without building a transaction wrapper for every callback). Called inside an open
   * transaction it runs as a SAVEPOINT, which is how one item of a batch fails alone. */
  transaction: ReturnType<Sqlite['transaction']>;
  /** Every item of a batch in one BEGIN IMMEDIATE … COMMIT. */
  batch: ReturnType<Sqlite['transaction']>;
}

const storesByDb = new WeakMap<Db, PreparedStore>();

function preparedStore(db: Db): PreparedStore {
  let prepared = storesByDb.get(db);
  if (!prepared) {
    const q = prepareStatements(db);
    const transaction = clientOf(db).transaction(store);
    const batch = clientOf(db).transaction((items: BatchItem[]): BatchOutcome[] =>
      items.map(({ input, options }) => {
        try {
          return { ok: transaction(q, input, options) as StoredMessage | DuplicateMessage };
        } catch (error) {
          return { error };
        }
      }),
    );
    prepared = { q, transaction, batch };
    storesByDb.set(db, prepared);
  }
  return prepared;
}

export function storeBridgeMessage(db: Db, input: BridgeMessage, options: StoreOptions): StoredMessage | DuplicateMessage {
  const { q, transaction } = preparedStore(db);
  // BEGIN IMMEDIATE: the write lock is taken up front, so two writers never deadlock upgrading a read lock.
  return transaction.immediate(q, input, options) as StoredMessage | DuplicateMessage;
}

/**
 * Stores several messages in one transaction, in order, each as if stored alone: an item that
 * fails (an unknown phone) rolls back to its own savepoint and the others still commit. One
 * commit writes each changed page once, where a commit per message wrote the same index and
 * conversation pages over and over; a failed BEGIN or COMMIT throws for the whole batch.
 */
export function storeBridgeMessages(db: Db, items: BatchItem[]): BatchOutcome[] {
  return preparedStore(db).batch.immediate(items) as BatchOutcome[];
}

// The synchronous drizzle handle on the store's raw connection, made once per connection.
const handles = new WeakMap<Sqlite, Db>();
function handleOf(sqlite: Sqlite): Db {
  let db = handles.get(sqlite);
  if (!db) {
    db = drizzle(sqlite, { schema });
    handles.set(sqlite, db);
  }
  return db;
}

/** The SQLite InboundStore: a batch is one synchronous call once the connection is free. */
export function createSqliteInbound(store: SqliteStore): InboundStore {
  return {
    storeBatch: (items) => store.exclusive((sqlite) => storeBridgeMessages(handleOf(sqlite), items)),
  };
}

const NEW_CONVERSATION: ConversationTally = { unansweredSince: null, activeDay: null, lastSendTime: null };

function store(q: Statements, input: BridgeMessage, options: StoreOptions): StoredMessage | DuplicateMessage {
  const now = options.now;
  const account = q.account.get({ phone: input.phone });
  if (!account) throw notFound('phone');
  // Refused before the webhook id is claimed: a disabled account's traffic leaves no trace.
  if (account.disabled) throw hubError('bridge_account_disabled', 'account disabled');
  const accountId = account.id;

  const existing = q.existing.get({ accountId, msgId: input.msgId });
  const freshDelivery = options.webhookId === undefined || q.claimWebhook.get({ webhookId: options.webhookId, now }) !== undefined;
  if (existing || !freshDelivery) return { duplicate: true, messageId: existing?.id ?? null, targetId: existing?.targetId ?? null };

  let target = q.target.get({ accountId, platformUid: input.from.id });
  let newFan: StoredMessage['newFan'] = null;
  let seatId: number | null;
  let branchId: number | null;
  let tally: ConversationTally = NEW_CONVERSATION;
  if (!target) {
    target = q.insertTarget.get({
      accountId,
      platformUid: input.from.id,
      name: input.from.name ?? '',
      convType: input.from.convType ?? 'stranger',
      now,
    })!;
    seatId = account.seatId;
    branchId = account.branchId;
    q.insertConversation.run({ targetId: target.id, accountId, seatId, now });
  } else {
    const conversation = q.conversationSeat.get({ targetId: target.id });
    seatId = conversation?.seatId ?? null;
    branchId = conversation?.branchId ?? null;
    if (conversation) tally = conversation;
    const renamed = input.from.name !== undefined && input.from.name !== '' && input.from.name !== target.name;
    const retyped = input.from.convType !== undefined && input.from.convType !== target.convType;
    if (renamed || retyped) {
      target = q.updateTarget.get({
        targetId: target.id,
        name: renamed ? input.from.name : target.name,
        convType: input.from.convType ?? target.convType,
      })!;
    }
  }

  const inbound = input.direction === 'in';
  const counted = tallyMessage(q.sqlite, options.tzName, tally, { sendTime: input.sendTime, inbound, seatId, branchId });
  if (tally === NEW_CONVERSATION && seatId !== null) {
    newFan = { seatId, day: counted.day };
    q.insertFan.run({ seatId, accountId, targetId: target.id, day: newFan.day, now });
  }
  // A new fan is a second push (fans:count) of the same change: the row takes two numbers.
  const span = newFan ? 2 : 1;
  const lastSeq = seatId === null ? null : q.takeSeq.get({ seatId, span })!.seq;
  const cursor = q.appendActivity.get({ seatId, targetId: target.id, seq: lastSeq, now })!.cursor;
  const seq = lastSeq === null ? null : lastSeq - span + 1;
  const { id: messageId } = q.insertMessage.get({ accountId, targetId: target.id, ...inboundValues(input), cursor, now })!;
  const message = storedMessageRow(input, { id: messageId, accountId, targetId: target.id, cursor, createdAt: now });

  q.updateConversation.run({
    targetId: target.id,
    sendTime: input.sendTime,
    messageId,
    content: input.content,
    contentType: input.contentType,
    cursor,
    unreadDelta: inbound ? 1 : 0,
    unansweredSince: counted.unansweredSince,
    activeDay: counted.activeDay,
  });

  return { duplicate: false, messageId, cursor, seq, accountId, seatId, branchId, day: counted.day, target, message, newFan };
}
