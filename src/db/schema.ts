// Every table of the hub. Times are epoch milliseconds; days are YYYY-MM-DD in TZ_NAME.
// Dedupe lives here as unique indexes, so duplicates are refused inside the inserting transaction.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const ROLES = ['master', 'admin', 'branch', 'supervisor', 'seat'] as const;
export type Role = (typeof ROLES)[number];

export const CONV_TYPES = ['biDirFriend', 'uniDirFriend', 'stranger', 'group'] as const;
export type ConvType = (typeof CONV_TYPES)[number];

export const ACCOUNT_STATUSES = ['online', 'offline', 'banned', 'loginRequired'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const MESSAGE_STATUSES = ['received', 'pending', 'sent', 'delivered', 'read', 'failed', 'recalled'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const createdAt = () => integer('created_at').notNull().default(sql`(unixepoch('subsec') * 1000)`);

export const branches = sqliteTable('branches', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    branchId: integer('branch_id').references(() => branches.id),
    /** Set by the branch manager for a seat (飞机链接). */
    telegramLink: text('telegram_link'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    lastLoginAt: integer('last_login_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('users_branch_role').on(t.branchId, t.role),
    // Every instance polls the disabled users each second to close their sockets.
    index('users_disabled').on(t.id).where(sql`${t.disabled} = 1`),
  ],
);

export const tokens = sqliteTable(
  'tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull().references(() => users.id),
    /** sha256 of the token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('tokens_user').on(t.userId),
    // Every instance polls "revoked since my last look" each second, so no partition keeps a revoked socket.
    index('tokens_revoked_at').on(t.revokedAt).where(sql`${t.revokedAt} IS NOT NULL`),
  ],
);

export const PROXY_STATUSES = ['unknown', 'ok', 'down', 'expired'] as const;
export type ProxyStatus = (typeof PROXY_STATUSES)[number];

/** The proxy pool (IP管理). `password` is stored for the bridge and never returned by the admin API. */
export const proxies = sqliteTable(
  'proxies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    checkedAt: integer('checked_at'),
    expiresAt: integer('expires_at'),
    /** How many accounts may log in through it at once. */
    maxAccounts: integer('max_accounts').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [index('proxies_host_port').on(t.host, t.port), index('proxies_status').on(t.status)],
);

export const accounts = sqliteTable(
  'accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    phone: text('phone').notNull().unique(),
    platform: text('platform', { enum: ['whatsapp', 'telegram'] }).notNull().default('whatsapp'),
    seatId: integer('seat_id').references(() => users.id),
    status: text('status', { enum: ACCOUNT_STATUSES }).notNull().default('offline'),
    statusReason: text('status_reason'),
    statusAt: integer('status_at'),
    proxyId: integer('proxy_id').references(() => proxies.id),
    /** The branch the account belongs to, assigned to a seat or not (a seat's accounts are in its branch). */
    branchId: integer('branch_id').references(() => branches.id),
    /** A disabled account is not run by the bridge and its callbacks are refused. */
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /** The bridge's session/instance name for it when not its phone's digits (WAHA, Evolution). */
    bridgeSession: text('bridge_session'),
    createdAt: createdAt(),
  },
  (t) => [index('accounts_seat').on(t.seatId), index('accounts_branch').on(t.branchId), index('accounts_proxy').on(t.proxyId)],
);

/** A contact of one account (营销对象). `platformUid` is the bridge's id for it (`from.id`). */
export const targets = sqliteTable(
  'targets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id').notNull().references(() => accounts.id),
    platformUid: text('platform_uid').notNull(),
    name: text('name').notNull().default(''),
    convType: text('conv_type', { enum: CONV_TYPES }).notNull().default('stranger'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('targets_account_uid').on(t.accountId, t.platformUid)],
);

/**
 * The account ↔ target thread, one per target. `seatId` is the owner: the account's seat
 * until a transfer moves it. Holds the denormalised "last message" and unread count so that
 * lists and timelines are single index scans.
 */
export const conversations = sqliteTable(
  'conversations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetId: integer('target_id').notNull().unique().references(() => targets.id),
    accountId: integer('account_id').notNull().references(() => accounts.id),
    seatId: integer('seat_id').references(() => users.id),
    lastMessageId: integer('last_message_id'),
    lastContent: text('last_content'),
    lastContentType: text('last_content_type'),
    lastSendTime: integer('last_send_time'),
    /** Cursor of the latest activity on this conversation. */
    lastCursor: integer('last_cursor').notNull().default(0),
    unreadCount: integer('unread_count').notNull().default(0),
    /** Inbound messages with id ≤ this are read. */
    readUpToMessageId: integer('read_up_to_message_id').notNull().default(0),
    /** Send time of the first inbound message not yet answered; null when the last message is outbound. */
    unansweredSince: integer('unanswered_since'),
    /** The latest day (TZ_NAME) this conversation counted as an active target on the dashboard. */
    activeDay: text('active_day'),
    createdAt: createdAt(),
  },
  (t) => [
    index('conversations_seat_last').on(t.seatId, t.lastSendTime),
    index('conversations_account').on(t.accountId),
    // Partial: only conversations waiting for a reply, which the dashboard counts per seat.
    index('conversations_unanswered').on(t.seatId).where(sql`${t.unansweredSince} IS NOT NULL`),
  ],
);

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id').notNull().references(() => accounts.id),
    targetId: integer('target_id').notNull().references(() => targets.id),
    /** The bridge's message id; null for a seat's reply until the bridge accepted it. */
    bridgeMsgId: text('bridge_msg_id'),
    /** 1 = the target wrote it (inbound), 0 = the seat/account wrote it. */
    sender: integer('sender').notNull(),
    contentType: text('content_type').notNull(),
    content: text('content').notNull().default(''),
    thumb: text('thumb'),
    mediaRef: text('media_ref'),
    sendTime: integer('send_time').notNull(),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull(),
    statusReason: text('status_reason'),
    readState: integer('read_state').notNull().default(0),
    /** The seat that sent it through the hub, and its idempotency key. */
    sentBySeatId: integer('sent_by_seat_id').references(() => users.id),
    clientMsgId: text('client_msg_id'),
    /** Cursor of the activity that stored it. */
    cursor: integer('cursor').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_account_bridge_msg').on(t.accountId, t.bridgeMsgId),
    // Partial: only a seat's replies carry a clientMsgId, so inbound rows add no index entry.
    uniqueIndex('messages_seat_client_msg').on(t.sentBySeatId, t.clientMsgId).where(sql`${t.clientMsgId} IS NOT NULL`),
    index('messages_target_time').on(t.targetId, t.sendTime, t.id),
    // Partial: only replies waiting for the bridge, which the stale sweep looks for.
    index('messages_pending').on(t.createdAt).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * The hub-wide cursor: every stored event that a seat must learn about appends a row here.
 * SQLite serialises writers, so ids become visible in order and a reader that has seen
 * cursor N has seen every event ≤ N: catch-up by cursor never skips.
 */
export const activity = sqliteTable(
  'activity',
  {
    cursor: integer('cursor').primaryKey({ autoIncrement: true }),
    seatId: integer('seat_id'),
    targetId: integer('target_id'),
    kind: text('kind').notNull(),
    messageId: integer('message_id'),
    /**
     * The highest number this row takes in its seat's stream (`seat_streams`); a row that
     * stands for several pushes (a read of many messages) takes a run of numbers ending here.
     * Null for rows of no seat.
     */
    seq: integer('seq'),
    createdAt: createdAt(),
  },
  (t) => [index('activity_seat_cursor').on(t.seatId, t.cursor), index('activity_seat_seq').on(t.seatId, t.seq)],
);

/**
 * Each seat's event stream: `seq` is the last number handed out. Bumped with an upsert in the
 * transaction that stores the change, which locks this row until commit, so the numbers of
 * one seat commit in order with no gaps even where transactions may commit out of order.
 */
export const seatStreams = sqliteTable('seat_streams', {
  seatId: integer('seat_id').primaryKey(),
  seq: integer('seq').notNull(),
});

export const seatTags = sqliteTable(
  'seat_tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seatId: integer('seat_id').notNull().references(() => users.id),
    name: text('name').notNull(),
    color: text('color'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('seat_tags_seat_name').on(t.seatId, t.name)],
);

export const targetTags = sqliteTable(
  'target_tags',
  {
    tagId: integer('tag_id').notNull().references(() => seatTags.id, { onDelete: 'cascade' }),
    targetId: integer('target_id').notNull().references(() => targets.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tagId, t.targetId] }), index('target_tags_target').on(t.targetId)],
);

/** Quick replies and managed content (快捷回复 / 内容管理). */
export const contents = sqliteTable(
  'contents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scope: text('scope', { enum: ['seat', 'branch'] }).notNull(),
    ownerUserId: integer('owner_user_id').notNull().references(() => users.id),
    branchId: integer('branch_id').references(() => branches.id),
    title: text('title').notNull(),
    body: text('body').notNull(),
    contentType: text('content_type').notNull().default('1'),
    mediaUrl: text('media_url'),
    shortcut: text('shortcut'),
    createdAt: createdAt(),
  },
  (t) => [index('contents_owner').on(t.ownerUserId), index('contents_branch').on(t.branchId, t.scope)],
);

export const transfers = sqliteTable(
  'transfers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetId: integer('target_id').notNull().references(() => targets.id),
    fromSeatId: integer('from_seat_id').notNull().references(() => users.id),
    toSeatId: integer('to_seat_id').notNull().references(() => users.id),
    byUserId: integer('by_user_id').notNull().references(() => users.id),
    reason: text('reason'),
    /** Idempotency key of the request, so a retried transfer records once. */
    requestKey: text('request_key').unique(),
    createdAt: createdAt(),
  },
  (t) => [index('transfers_target').on(t.targetId, t.id)],
);

/** Incoming fans: +1 per first-seen target, plus audited manual corrections. */
export const fanEvents = sqliteTable(
  'fan_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    seatId: integer('seat_id').notNull().references(() => users.id),
    accountId: integer('account_id').notNull().references(() => accounts.id),
    targetId: integer('target_id').references(() => targets.id),
    day: text('day').notNull(),
    delta: integer('delta').notNull(),
    reason: text('reason'),
    byUserId: integer('by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('fan_events_seat_day').on(t.seatId, t.day)],
);

/** Standard Webhooks ids already taken, so a replayed delivery changes nothing. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    webhookId: text('webhook_id').primaryKey(),
    path: text('path').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('webhook_deliveries_received').on(t.receivedAt)],
);

export const translations = sqliteTable(
  'translations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceHash: text('source_hash').notNull(),
    fromLang: text('from_lang').notNull(),
    toLang: text('to_lang').notNull(),
    translated: text('translated').notNull(),
    detectedLang: text('detected_lang'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('translations_key').on(t.sourceHash, t.fromLang, t.toLang)],
);

/** Original images fetched from the bridge once and kept on disk under MEDIA_DIR. */
export const mediaFiles = sqliteTable('media_files', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  messageId: integer('message_id').notNull().unique().references(() => messages.id),
  fileName: text('file_name').notNull().unique(),
  contentType: text('content_type').notNull(),
  size: integer('size').notNull(),
  createdAt: createdAt(),
});

export const MENU_TYPES = ['M', 'C', 'F'] as const;
export type MenuType = (typeof MENU_TYPES)[number];

/**
 * The menu tree (RuoYi's sys_menu): directories (M), pages (C) and buttons (F). `perms` is the
 * permission a menu grants; `visible` and `status` keep RuoYi's '0' (shown / enabled) and '1'.
 */
export const menus = sqliteTable(
  'menus',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** 0 for a top-level menu. */
    parentId: integer('parent_id').notNull().default(0),
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

/** Which menus (and so which permissions) each role has. `master` needs no rows: it has all. */
export const roleMenus = sqliteTable(
  'role_menus',
  {
    role: text('role', { enum: ROLES }).notNull(),
    menuId: integer('menu_id')
      .notNull()
      .references(() => menus.id),
  },
  (t) => [primaryKey({ columns: [t.role, t.menuId] }), index('role_menus_menu').on(t.menuId)],
);

/**
 * One row: bumped in the same transaction as every menu or role-menu change, so each hub
 * instance can tell with one cheap read whether its in-memory permission copy is stale. Its
 * presence also records that the menu tree was seeded once.
 */
export const permissionVersion = sqliteTable('permission_version', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
});

/**
 * One row per administrative write, stored in the same transaction as the change. `detail` is
 * JSON: the changed fields as `{field: {before, after}}` (never a password).
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actorId: integer('actor_id').references(() => users.id),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    detail: text('detail').notNull().default('{}'),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_actor').on(t.actorId, t.id), index('audit_log_action').on(t.action, t.id), index('audit_log_created').on(t.createdAt)],
);

/**
 * Dashboard counters, one row per day (TZ_NAME), branch, seat and hour, kept in the transaction
 * that stores each message. Branch and seat are those owning the conversation when the message
 * was stored (0: none), so a later move of the seat or account does not rewrite past days.
 */
export const dashboardHours = sqliteTable(
  'dashboard_hours',
  {
    day: text('day').notNull(),
    branchId: integer('branch_id').notNull(),
    seatId: integer('seat_id').notNull(),
    hour: integer('hour').notNull(),
    inbound: integer('inbound').notNull().default(0),
    outbound: integer('outbound').notNull().default(0),
    /** Conversations whose first message of the day fell in this hour. */
    activeTargets: integer('active_targets').notNull().default(0),
    /** Unanswered runs answered in this hour, and the sum of their waits in ms. */
    replies: integer('replies').notNull().default(0),
    replyMs: integer('reply_ms').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.branchId, t.seatId, t.hour] }), index('dashboard_hours_seat_day').on(t.seatId, t.day)],
);

export const GROUP_PULL_STATUSES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type GroupPullStatus = (typeof GROUP_PULL_STATUSES)[number];
/** `sending` is the claim taken before a member goes to the bridge; the API shows it as pending. */
export const GROUP_MEMBER_STATES = ['pending', 'sending', 'added', 'invited', 'failed', 'skipped'] as const;
export type GroupMemberState = (typeof GROUP_MEMBER_STATES)[number];

/** A group pull (拉群): members added to a WhatsApp group through one account, paced by the hub. */
export const groupPulls = sqliteTable(
  'group_pulls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id').notNull().references(() => accounts.id),
    createdBy: integer('created_by').notNull().references(() => users.id),
    /** The bridge's group id: given for an existing group, or set once the new group is created. */
    groupId: text('group_id'),
    groupName: text('group_name'),
    status: text('status', { enum: GROUP_PULL_STATUSES }).notNull().default('queued'),
    statusReason: text('status_reason'),
    perMinute: integer('per_minute').notNull(),
    /** When the scheduler may send this task's next batch (pacing and retry backoff). */
    nextRunAt: integer('next_run_at').notNull().default(0),
    /** Set while a group creation call is out, so that no second group is ever created. */
    creatingSince: integer('creating_since'),
    createdAt: createdAt(),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('group_pulls_status_account').on(t.status, t.accountId), index('group_pulls_account').on(t.accountId, t.id)],
);

export const groupPullMembers = sqliteTable(
  'group_pull_members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id').notNull().references(() => groupPulls.id),
    phone: text('phone').notNull(),
    state: text('state', { enum: GROUP_MEMBER_STATES }).notNull().default('pending'),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    /** A rate-limited or bridge-failed member waits until then. */
    notBefore: integer('not_before').notNull().default(0),
    claimedAt: integer('claimed_at'),
  },
  (t) => [
    index('group_pull_members_task_state').on(t.taskId, t.state, t.id),
    // Partial: only members out at the bridge, which the stale-claim sweep looks for.
    index('group_pull_members_sending').on(t.claimedAt).where(sql`${t.state} = 'sending'`),
  ],
);
