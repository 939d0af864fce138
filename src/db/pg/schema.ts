// The hub's tables for PostgreSQL: the same tables, columns, indexes and unique constraints as
// ../schema.ts (SQLite), so that rows copy across 1:1 (test/db/pg-schema-parity.test.ts holds
// the two together). Value semantics are kept: times stay epoch milliseconds in bigint columns,
// ids are bigint identities (by default, so copied rows keep their ids), and the two
// boolean-mode columns (`disabled`) are booleans. bigint columns read as JS numbers, as on SQLite.
//
// Dialect differences, all deliberate:
// - Quick search: SQLite's FTS5 trigram tables (messages_fts, targets_fts) and the
//   search_progress watermark of their deferred indexing have no table here; pg_trgm GIN
//   indexes on the same text serve `ILIKE '%keyword%'` (case-insensitive, as FTS5's trigram).
// - Partial indexes on a boolean say `WHERE disabled` where SQLite says `disabled = 1`.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ACCOUNT_STATUSES, CONV_TYPES, GROUP_MEMBER_STATES, GROUP_PULL_STATUSES, MENU_TYPES, MESSAGE_STATUSES, PROXY_STATUSES, ROLES } from '../schema.js';

/** Epoch milliseconds and ids: past 2^31, read as JS numbers (exact up to 2^53). */
const big = (name: string) => bigint(name, { mode: 'number' });
const id = () => big('id').primaryKey().generatedByDefaultAsIdentity();
// Statement time, truncated to the millisecond, as SQLite's unixepoch('subsec') * 1000.
const createdAt = () =>
  big('created_at').notNull().default(sql`(floor(extract(epoch from statement_timestamp()) * 1000))::bigint`);

export const branches = pgTable('branches', {
  id: id(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    username: text('username').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    branchId: big('branch_id').references(() => branches.id),
    telegramLink: text('telegram_link'),
    disabled: boolean('disabled').notNull().default(false),
    lastLoginAt: big('last_login_at'),
    createdAt: createdAt(),
  },
  (t) => [index('users_branch_role').on(t.branchId, t.role), index('users_disabled').on(t.id).where(sql`${t.disabled}`)],
);

export const tokens = pgTable(
  'tokens',
  {
    id: id(),
    userId: big('user_id').notNull().references(() => users.id),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: big('expires_at').notNull(),
    revokedAt: big('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('tokens_user').on(t.userId), index('tokens_revoked_at').on(t.revokedAt).where(sql`${t.revokedAt} IS NOT NULL`)],
);

export const proxies = pgTable(
  'proxies',
  {
    id: id(),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    protocol: text('protocol').notNull().default('socks5'),
    username: text('username'),
    password: text('password'),
    provider: text('provider'),
    country: text('country'),
    status: text('status', { enum: PROXY_STATUSES }).notNull().default('unknown'),
    statusReason: text('status_reason'),
    latencyMs: integer('latency_ms'),
    checkedAt: big('checked_at'),
    expiresAt: big('expires_at'),
    maxAccounts: integer('max_accounts').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [index('proxies_host_port').on(t.host, t.port), index('proxies_status').on(t.status)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: id(),
    phone: text('phone').notNull().unique(),
    platform: text('platform', { enum: ['whatsapp', 'telegram'] }).notNull().default('whatsapp'),
    seatId: big('seat_id').references(() => users.id),
    status: text('status', { enum: ACCOUNT_STATUSES }).notNull().default('offline'),
    statusReason: text('status_reason'),
    statusAt: big('status_at'),
    proxyId: big('proxy_id').references(() => proxies.id),
    branchId: big('branch_id').references(() => branches.id),
    disabled: boolean('disabled').notNull().default(false),
    bridgeSession: text('bridge_session'),
    createdAt: createdAt(),
  },
  (t) => [index('accounts_seat').on(t.seatId), index('accounts_branch').on(t.branchId), index('accounts_proxy').on(t.proxyId)],
);

export const targets = pgTable(
  'targets',
  {
    id: id(),
    accountId: big('account_id').notNull().references(() => accounts.id),
    platformUid: text('platform_uid').notNull(),
    name: text('name').notNull().default(''),
    convType: text('conv_type', { enum: CONV_TYPES }).notNull().default('stranger'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('targets_account_uid').on(t.accountId, t.platformUid),
    // Quick search by name or platform id (SQLite: targets_fts).
    index('targets_name_trgm').using('gin', t.name.op('gin_trgm_ops')),
    index('targets_platform_uid_trgm').using('gin', t.platformUid.op('gin_trgm_ops')),
  ],
);

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    targetId: big('target_id').notNull().unique().references(() => targets.id),
    accountId: big('account_id').notNull().references(() => accounts.id),
    seatId: big('seat_id').references(() => users.id),
    lastMessageId: big('last_message_id'),
    lastContent: text('last_content'),
    lastContentType: text('last_content_type'),
    lastSendTime: big('last_send_time'),
    lastCursor: big('last_cursor').notNull().default(0),
    unreadCount: integer('unread_count').notNull().default(0),
    readUpToMessageId: big('read_up_to_message_id').notNull().default(0),
    unansweredSince: big('unanswered_since'),
    activeDay: text('active_day'),
    createdAt: createdAt(),
  },
  (t) => [
    index('conversations_seat_last').on(t.seatId, t.lastSendTime),
    index('conversations_account').on(t.accountId),
    index('conversations_unanswered').on(t.seatId).where(sql`${t.unansweredSince} IS NOT NULL`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    accountId: big('account_id').notNull().references(() => accounts.id),
    targetId: big('target_id').notNull().references(() => targets.id),
    bridgeMsgId: text('bridge_msg_id'),
    /** 1 = inbound, 0 = outbound: a number in the API, so an integer here as on SQLite. */
    sender: integer('sender').notNull(),
    contentType: text('content_type').notNull(),
    content: text('content').notNull().default(''),
    thumb: text('thumb'),
    mediaRef: text('media_ref'),
    sendTime: big('send_time').notNull(),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    statusReason: text('status_reason'),
    readState: integer('read_state').notNull().default(0),
    sentBySeatId: big('sent_by_seat_id').references(() => users.id),
    clientMsgId: text('client_msg_id'),
    cursor: big('cursor').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_account_bridge_msg').on(t.accountId, t.bridgeMsgId),
    uniqueIndex('messages_seat_client_msg').on(t.sentBySeatId, t.clientMsgId).where(sql`${t.clientMsgId} IS NOT NULL`),
    index('messages_target_time').on(t.targetId, t.sendTime, t.id),
    index('messages_pending').on(t.createdAt).where(sql`${t.status} = 'pending'`),
    // Quick search in message text (SQLite: messages_fts).
    index('messages_content_trgm').using('gin', t.content.op('gin_trgm_ops')),
  ],
);

export const activity = pgTable(
  'activity',
  {
    cursor: big('cursor').primaryKey().generatedByDefaultAsIdentity(),
    seatId: big('seat_id'),
    targetId: big('target_id'),
    kind: text('kind').notNull(),
    messageId: big('message_id'),
    seq: big('seq'),
    createdAt: createdAt(),
  },
  (t) => [index('activity_seat_cursor').on(t.seatId, t.cursor), index('activity_seat_seq').on(t.seatId, t.seq)],
);

// Taken with `UPDATE … RETURNING` (or an upsert) in the storing transaction: the row lock orders
// one seat's numbers where transactions commit out of order.
export const seatStreams = pgTable('seat_streams', {
  seatId: big('seat_id').primaryKey(),
  seq: big('seq').notNull(),
});

export const seatTags = pgTable(
  'seat_tags',
  {
    id: id(),
    seatId: big('seat_id').notNull().references(() => users.id),
    name: text('name').notNull(),
    color: text('color'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('seat_tags_seat_name').on(t.seatId, t.name)],
);

export const targetTags = pgTable(
  'target_tags',
  {
    tagId: big('tag_id').notNull().references(() => seatTags.id, { onDelete: 'cascade' }),
    targetId: big('target_id').notNull().references(() => targets.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tagId, t.targetId] }), index('target_tags_target').on(t.targetId)],
);

export const contents = pgTable(
  'contents',
  {
    id: id(),
    scope: text('scope', { enum: ['seat', 'branch'] }).notNull(),
    ownerUserId: big('owner_user_id').notNull().references(() => users.id),
    branchId: big('branch_id').references(() => branches.id),
    title: text('title').notNull(),
    body: text('body').notNull(),
    contentType: text('content_type').notNull().default('1'),
    mediaUrl: text('media_url'),
    shortcut: text('shortcut'),
    createdAt: createdAt(),
  },
  (t) => [index('contents_owner').on(t.ownerUserId), index('contents_branch').on(t.branchId, t.scope)],
);

export const transfers = pgTable(
  'transfers',
  {
    id: id(),
    targetId: big('target_id').notNull().references(() => targets.id),
    fromSeatId: big('from_seat_id').notNull().references(() => users.id),
    toSeatId: big('to_seat_id').notNull().references(() => users.id),
    byUserId: big('by_user_id').notNull().references(() => users.id),
    reason: text('reason'),
    requestKey: text('request_key').unique(),
    createdAt: createdAt(),
  },
  (t) => [index('transfers_target').on(t.targetId, t.id)],
);

export const fanEvents = pgTable(
  'fan_events',
  {
    id: id(),
    seatId: big('seat_id').notNull().references(() => users.id),
    accountId: big('account_id').notNull().references(() => accounts.id),
    targetId: big('target_id').references(() => targets.id),
    day: text('day').notNull(),
    delta: integer('delta').notNull(),
    reason: text('reason'),
    byUserId: big('by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('fan_events_seat_day').on(t.seatId, t.day)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    webhookId: text('webhook_id').primaryKey(),
    path: text('path').notNull(),
    receivedAt: big('received_at').notNull(),
  },
  (t) => [index('webhook_deliveries_received').on(t.receivedAt)],
);

export const translations = pgTable(
  'translations',
  {
    id: id(),
    sourceHash: text('source_hash').notNull(),
    fromLang: text('from_lang').notNull(),
    toLang: text('to_lang').notNull(),
    translated: text('translated').notNull(),
    detectedLang: text('detected_lang'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('translations_key').on(t.sourceHash, t.fromLang, t.toLang)],
);

export const mediaFiles = pgTable('media_files', {
  id: id(),
  messageId: big('message_id').notNull().unique().references(() => messages.id),
  fileName: text('file_name').notNull().unique(),
  contentType: text('content_type').notNull(),
  size: big('size').notNull(),
  createdAt: createdAt(),
});

export const menus = pgTable(
  'menus',
  {
    id: id(),
    parentId: big('parent_id').notNull().default(0),
    menuName: text('menu_name').notNull(),
    orderNum: integer('order_num').notNull().default(0),
    path: text('path').notNull().default(''),
    component: text('component'),
    menuType: text('menu_type', { enum: MENU_TYPES }).notNull(),
    perms: text('perms').notNull().default(''),
    visible: text('visible', { enum: ['0', '1'] }).notNull().default('0'),
    status: text('status', { enum: ['0', '1'] }).notNull().default('0'),
    icon: text('icon').notNull().default('#'),
    createdAt: createdAt(),
  },
  (t) => [index('menus_parent').on(t.parentId, t.orderNum)],
);

export const roleMenus = pgTable(
  'role_menus',
  {
    role: text('role', { enum: ROLES }).notNull(),
    menuId: big('menu_id').notNull().references(() => menus.id),
  },
  (t) => [primaryKey({ columns: [t.role, t.menuId] }), index('role_menus_menu').on(t.menuId)],
);

export const permissionVersion = pgTable('permission_version', {
  id: big('id').primaryKey(),
  version: big('version').notNull(),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    actorId: big('actor_id').references(() => users.id),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    detail: text('detail').notNull().default('{}'),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_actor').on(t.actorId, t.id), index('audit_log_action').on(t.action, t.id), index('audit_log_created').on(t.createdAt)],
);

export const dashboardHours = pgTable(
  'dashboard_hours',
  {
    day: text('day').notNull(),
    branchId: big('branch_id').notNull(),
    seatId: big('seat_id').notNull(),
    hour: integer('hour').notNull(),
    inbound: integer('inbound').notNull().default(0),
    outbound: integer('outbound').notNull().default(0),
    activeTargets: integer('active_targets').notNull().default(0),
    replies: integer('replies').notNull().default(0),
    /** A sum of waits: past 2^31 ms after a few dozen long waits. */
    replyMs: big('reply_ms').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.branchId, t.seatId, t.hour] }), index('dashboard_hours_seat_day').on(t.seatId, t.day)],
);

export const groupPulls = pgTable(
  'group_pulls',
  {
    id: id(),
    accountId: big('account_id').notNull().references(() => accounts.id),
    createdBy: big('created_by').notNull().references(() => users.id),
    groupId: text('group_id'),
    groupName: text('group_name'),
    status: text('status', { enum: GROUP_PULL_STATUSES }).notNull().default('queued'),
    statusReason: text('status_reason'),
    perMinute: integer('per_minute').notNull(),
    nextRunAt: big('next_run_at').notNull().default(0),
    creatingSince: big('creating_since'),
    createdAt: createdAt(),
    finishedAt: big('finished_at'),
  },
  (t) => [index('group_pulls_status_account').on(t.status, t.accountId), index('group_pulls_account').on(t.accountId, t.id)],
);

export const groupPullMembers = pgTable(
  'group_pull_members',
  {
    id: id(),
    taskId: big('task_id').notNull().references(() => groupPulls.id),
    phone: text('phone').notNull(),
    state: text('state', { enum: GROUP_MEMBER_STATES }).notNull().default('pending'),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    notBefore: big('not_before').notNull().default(0),
    claimedAt: big('claimed_at'),
  },
  (t) => [
    index('group_pull_members_task_state').on(t.taskId, t.state, t.id),
    index('group_pull_members_sending').on(t.claimedAt).where(sql`${t.state} = 'sending'`),
  ],
);
