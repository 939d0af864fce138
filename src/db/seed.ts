// What an empty database starts with: the demo organisation outside production, the first
// master from HUB_ADMIN_USER / HUB_ADMIN_PASSWORD in production.
import { count, eq } from 'drizzle-orm';
import { appendActivity } from '../activity/activity.repository.js';
import { hashPassword } from '../auth/password.js';
import { dayOf } from '../time.js';
import type { ConvType, Role } from './schema.js';
import { dbFailure, tablesOf, type Db, type Store } from './store.js';

export type SeedOutcome = 'demo' | 'admin' | 'none';

export interface SeedOptions {
  production: boolean;
  adminUser?: string;
  adminPassword?: string;
  now: number;
  tzName: string;
}

const DEMO_USERS: { username: string; name: string; role: Role; inBranch: boolean }[] = [
  { username: 'master', name: '主控', role: 'master', inBranch: false },
  { username: 'admin', name: '管理员', role: 'admin', inBranch: false },
  { username: 'branch1', name: '分管一', role: 'branch', inBranch: true },
  { username: 'super1', name: '主管一', role: 'supervisor', inBranch: true },
  { username: 'seat1', name: '坐席一', role: 'seat', inBranch: true },
  { username: 'seat2', name: '坐席二', role: 'seat', inBranch: true },
];

/** A second branch, so a newcomer sees how branches separate: its manager and a disabled seat. */
const SECOND_BRANCH_USERS: { username: string; name: string; role: Role; disabled: boolean }[] = [
  { username: 'south', name: '南区分管', role: 'branch', disabled: false },
  { username: 'retired', name: '离职坐席', role: 'seat', disabled: true },
];
/** An account of the second branch that no seat holds yet. */
const UNASSIGNED_PHONE = '+8613800000010';

const DEMO_TARGETS: { name: string; convType: ConvType; lines: [0 | 1, string][] }[] = [
  { name: '曾林', convType: 'biDirFriend', lines: [[1, '你好这个产品怎么用'], [0, '你好'], [1, '价格多少?']] },
  { name: 'Maria Silva', convType: 'stranger', lines: [[1, 'Hi, is this still available?']] },
];

/** Whether any user exists: the mark of a database that is not empty. */
async function hasUsers(db: Db): Promise<boolean> {
  const { users } = tablesOf(db);
  const [row] = await db.select({ n: count() }).from(users);
  return (row?.n ?? 0) > 0;
}

export async function seedIfEmpty(store: Store, options: SeedOptions): Promise<SeedOutcome> {
  if (await hasUsers(store.db)) return 'none';

  if (options.production) {
    if (!options.adminUser || !options.adminPassword) {
      throw new Error('invalid configuration: HUB_ADMIN_USER and HUB_ADMIN_PASSWORD are required to create the first master on an empty production database');
    }
    const passwordHash = await hashPassword(options.adminPassword);
    const { users } = store.tables;
    const created = await store.db.insert(users).values({ username: options.adminUser, name: options.adminUser, passwordHash, role: 'master' }).onConflictDoNothing().returning({ id: users.id });
    return created.length > 0 ? 'admin' : 'none';
  }

  const hashes = await Promise.all(DEMO_USERS.map((u) => hashPassword(`${u.username}123`)));
  const secondHashes = await Promise.all(SECOND_BRANCH_USERS.map((u) => hashPassword(`${u.username}123`)));
  try {
    return await store.transaction(async (tx) => {
      // Another process may have seeded while we hashed.
      if (await hasUsers(tx)) return 'none';
      await writeDemo(tx, hashes, secondHashes, options);
      return 'demo';
    });
  } catch (error) {
    // A second instance seeding the same empty PostgreSQL database at the same moment saw no
    // users either: its first insert waits on ours and then fails on the unique branch name
    // (a serializable transaction fails the same way, not with a serialization error).
    if (dbFailure(error) === 'unique' && (await hasUsers(store.db))) return 'none';
    throw error;
  }
}

async function writeDemo(tx: Db, hashes: string[], secondHashes: string[], options: SeedOptions): Promise<void> {
  const { accounts, branches, conversations, fanEvents, messages, proxies, targets, users } = tablesOf(tx);
  const [branch] = await tx.insert(branches).values({ name: '一部' }).returning({ id: branches.id });
  const ids = new Map<string, number>();
  for (const [i, u] of DEMO_USERS.entries()) {
    const [row] = await tx
      .insert(users)
      .values({
        username: u.username,
        name: u.name,
        passwordHash: hashes[i]!,
        role: u.role,
        branchId: u.inBranch ? branch!.id : null,
        telegramLink: u.role === 'seat' ? `https://t.me/${u.username}_support` : null,
      })
      .returning({ id: users.id });
    ids.set(u.username, row!.id);
  }

  const seats = [ids.get('seat1')!, ids.get('seat2')!];
  for (let i = 1; i <= 4; i++) {
    const seatId = seats[i <= 2 ? 0 : 1]!;
    const [proxy] = await tx
      .insert(proxies)
      // Loopback only: nothing the demo data names is ever dialled off this machine.
      .values({ host: '127.0.0.1', port: 10800 + i, protocol: 'socks5', username: `proxy${i}`, password: `secret${i}`, provider: 'ip2world', maxAccounts: 1 })
      .returning({ id: proxies.id });
    const [account] = await tx
      .insert(accounts)
      .values({ phone: `+861380000000${i}`, platform: i % 2 === 1 ? 'whatsapp' : 'telegram', seatId, branchId: branch!.id, status: 'online', proxyId: proxy!.id, statusAt: options.now })
      .returning({ id: accounts.id });
    if (i % 2 === 0) continue; // one account per seat gets demo conversations
    for (const [ti, t] of DEMO_TARGETS.entries()) {
      const [target] = await tx
        .insert(targets)
        .values({ accountId: account!.id, platformUid: `demo-${i}-${ti}`, name: t.name, convType: t.convType, createdAt: options.now })
        .returning({ id: targets.id });
      const [conversation] = await tx.insert(conversations).values({ targetId: target!.id, accountId: account!.id, seatId }).returning({ id: conversations.id });
      await tx.insert(fanEvents).values({ seatId, accountId: account!.id, targetId: target!.id, day: dayOf(options.now, options.tzName), delta: 1, reason: 'first message' });
      let unread = 0;
      for (const [li, [sender, content]] of t.lines.entries()) {
        const sendTime = options.now - (t.lines.length - li) * 60_000;
        const { cursor } = await appendActivity(tx, { seatId, targetId: target!.id, kind: 'message', at: sendTime });
        const [msg] = await tx
          .insert(messages)
          .values({ accountId: account!.id, targetId: target!.id, bridgeMsgId: `demo-${i}-${ti}-${li}`, sender, contentType: '1', content, sendTime, status: sender === 1 ? 'received' : 'delivered', cursor })
          .returning({ id: messages.id });
        unread = sender === 1 ? unread + 1 : 0;
        await tx
          .update(conversations)
          .set({ lastMessageId: msg!.id, lastContent: content, lastContentType: '1', lastSendTime: sendTime, lastCursor: cursor, unreadCount: unread })
          .where(eq(conversations.id, conversation!.id));
      }
    }
  }

  const [second] = await tx.insert(branches).values({ name: '南区' }).returning({ id: branches.id });
  for (const [i, u] of SECOND_BRANCH_USERS.entries()) {
    await tx.insert(users).values({ username: u.username, name: u.name, passwordHash: secondHashes[i]!, role: u.role, branchId: second!.id, disabled: u.disabled });
  }
  await tx.insert(accounts).values({ phone: UNASSIGNED_PHONE, platform: 'whatsapp', seatId: null, branchId: second!.id, status: 'offline' });
}
