// Rows for the contract tests, written through the store's builders so that both engines hold
// exactly the same data (and the same ids: every table starts empty).
import type { ConvType, MessageStatus } from '../../src/db/schema.js';
import type { Store } from '../../src/db/store.js';

export interface MessageSpec {
  content: string;
  sendTime: number;
  sender?: 0 | 1;
  status?: MessageStatus;
  contentType?: string;
  mediaRef?: string | null;
}

export interface ConversationSpec {
  accountId: number;
  /** The owning seat (null: nobody's); the account's seat unless said otherwise. */
  seatId: number | null;
  uid: string;
  name: string;
  convType?: ConvType;
  unread?: number;
  messages?: MessageSpec[];
}

export interface Org {
  branch1: number;
  branch2: number;
  seat1: number;
  seat2: number;
  seat3: number;
  /** seat1's two accounts, seat2's, seat3's, and one nobody holds. */
  account1: number;
  account1b: number;
  account2: number;
  account3: number;
  unassigned: number;
}

/** Two branches: seat1 and seat2 in the first, seat3 in the second; their accounts. */
export async function addOrg(store: Store): Promise<Org> {
  const { accounts, branches, users } = store.tables;
  const db = store.db;
  const [b1, b2] = await db.insert(branches).values([{ name: '一部' }, { name: '二部' }]).returning({ id: branches.id });
  const seat = async (username: string, branchId: number) =>
    (await db.insert(users).values({ username, name: username, role: 'seat', branchId, passwordHash: 'x' }).returning({ id: users.id }))[0]!.id;
  const seat1 = await seat('seat1', b1!.id);
  const seat2 = await seat('seat2', b1!.id);
  const seat3 = await seat('seat3', b2!.id);
  await db.insert(users).values({ username: 'branch1', name: 'branch1', role: 'branch', branchId: b1!.id, passwordHash: 'x' });
  const account = async (phone: string, seatId: number | null) =>
    (await db.insert(accounts).values({ phone, seatId, status: 'online' }).returning({ id: accounts.id }))[0]!.id;
  return {
    branch1: b1!.id,
    branch2: b2!.id,
    seat1,
    seat2,
    seat3,
    account1: await account('+861', seat1),
    account1b: await account('+862', seat1),
    account2: await account('+863', seat2),
    account3: await account('+864', seat3),
    unassigned: await account('+865', null),
  };
}

// Message cursors per database, so both engines hold the same values.
const cursors = new WeakMap<Store, number>();

/** A target, its messages (in the order given) and its conversation, whose last message is
 * the latest by send time. Answers the target and message ids. */
export async function addConversation(store: Store, spec: ConversationSpec): Promise<{ targetId: number; messageIds: number[] }> {
  const { conversations, messages, targets } = store.tables;
  const db = store.db;
  const [target] = await db
    .insert(targets)
    .values({ accountId: spec.accountId, platformUid: spec.uid, name: spec.name, convType: spec.convType ?? 'stranger' })
    .returning({ id: targets.id });
  let cursor = cursors.get(store) ?? 0;
  const messageIds: number[] = [];
  let last: { id: number; spec: MessageSpec } | undefined;
  for (const m of spec.messages ?? []) {
    const [row] = await db
      .insert(messages)
      .values({
        accountId: spec.accountId,
        targetId: target!.id,
        sender: m.sender ?? 1,
        contentType: m.contentType ?? '1',
        content: m.content,
        mediaRef: m.mediaRef ?? null,
        sendTime: m.sendTime,
        status: m.status ?? 'received',
        cursor: ++cursor,
      })
      .returning({ id: messages.id });
    messageIds.push(row!.id);
    if (!last || m.sendTime >= last.spec.sendTime) last = { id: row!.id, spec: m };
  }
  cursors.set(store, cursor);
  await db.insert(conversations).values({
    targetId: target!.id,
    accountId: spec.accountId,
    seatId: spec.seatId,
    lastMessageId: last?.id ?? null,
    lastContent: last?.spec.content ?? null,
    lastContentType: last ? (last.spec.contentType ?? '1') : null,
    lastSendTime: last?.spec.sendTime ?? null,
    lastCursor: cursor,
    unreadCount: spec.unread ?? 0,
  });
  return { targetId: target!.id, messageIds };
}

/** Epoch ms of a wall-clock time in Asia/Shanghai (UTC+8). */
export const cst = (day: string, time: string, ms = 0) => Date.parse(`${day}T${time}+08:00`) + ms;
