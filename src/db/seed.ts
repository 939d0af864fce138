// What an empty database starts with: the demo organisation outside production, the first
// master from HUB_ADMIN_USER / HUB_ADMIN_PASSWORD in production.
import { count, eq } from 'drizzle-orm';
import { appendActivitySync } from '../activity/activity.repository.js';
import { hashPassword } from '../auth/password.js';
import { dayOf } from '../time.js';
import { writeTransaction, type Db } from './open.js';
import { accounts, branches, conversations, fanEvents, messages, proxies, targets, users, type ConvType, type Role } from './schema.js';

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

export async function seedIfEmpty(db: Db, options: SeedOptions): Promise<SeedOutcome> {
  const [{ users: existing } = { users: 0 }] = db.select({ users: count() }).from(users).all();
  if (existing > 0) return 'none';

  if (options.production) {
    if (!options.adminUser || !options.adminPassword) {
      throw new Error('invalid configuration: HUB_ADMIN_USER and HUB_ADMIN_PASSWORD are required to create the first master on an empty production database');
    }
    const passwordHash = await hashPassword(options.adminPassword);
    db.insert(users).values({ username: options.adminUser, name: options.adminUser, passwordHash, role: 'master' }).run();
    return 'admin';
  }

  const hashes = await Promise.all(DEMO_USERS.map((u) => hashPassword(`${u.username}123`)));
  const secondHashes = await Promise.all(SECOND_BRANCH_USERS.map((u) => hashPassword(`${u.username}123`)));
  return writeTransaction(db, (tx) => {
    // Another process sharing the file may have seeded while we hashed.
    const [{ n } = { n: 0 }] = tx.select({ n: count() }).from(users).all();
    if (n > 0) return 'none';
    const branch = tx.insert(branches).values({ name: '一部' }).returning().get();
    const ids = new Map<string, number>();
    DEMO_USERS.forEach((u, i) => {
      const row = tx
        .insert(users)
        .values({
          username: u.username,
          name: u.name,
          passwordHash: hashes[i]!,
          role: u.role,
          branchId: u.inBranch ? branch.id : null,
          telegramLink: u.role === 'seat' ? `https://t.me/${u.username}_support` : null,
        })
        .returning({ id: users.id })
        .get();
      ids.set(u.username, row.id);
    });

    const seats = [ids.get('seat1')!, ids.get('seat2')!];
    for (let i = 1; i <= 4; i++) {
      const seatId = seats[i <= 2 ? 0 : 1]!;
      const proxy = tx
        .insert(proxies)
        // Loopback only: nothing the demo data names is ever dialled off this machine.
        .values({ host: '127.0.0.1', port: 10800 + i, protocol: 'socks5', username: `proxy${i}`, password: `secret${i}`, provider: 'ip2world', maxAccounts: 1 })
        .returning({ id: proxies.id })
        .get();
      const account = tx
        .insert(accounts)
        .values({ phone: `+861380000000${i}`, platform: i % 2 === 1 ? 'whatsapp' : 'telegram', seatId, branchId: branch.id, status: 'online', proxyId: proxy.id, statusAt: options.now })
        .returning({ id: accounts.id })
        .get();
      if (i % 2 === 0) continue; // one account per seat gets demo conversations
      DEMO_TARGETS.forEach((t, ti) => {
        const target = tx
          .insert(targets)
          .values({ accountId: account.id, platformUid: `demo-${i}-${ti}`, name: t.name, convType: t.convType, createdAt: options.now })
          .returning({ id: targets.id })
          .get();
        const conversation = tx
          .insert(conversations)
          .values({ targetId: target.id, accountId: account.id, seatId })
          .returning({ id: conversations.id })
          .get();
        tx.insert(fanEvents).values({ seatId, accountId: account.id, targetId: target.id, day: dayOf(options.now, options.tzName), delta: 1, reason: 'first message' }).run();
        let unread = 0;
        t.lines.forEach(([sender, content], li) => {
          const sendTime = options.now - (t.lines.length - li) * 60_000;
          const { cursor } = appendActivitySync(tx, { seatId, targetId: target.id, kind: 'message', at: sendTime });
          const msg = tx
            .insert(messages)
            .values({ accountId: account.id, targetId: target.id, bridgeMsgId: `demo-${i}-${ti}-${li}`, sender, contentType: '1', content, sendTime, status: sender === 1 ? 'received' : 'delivered', cursor })
            .returning({ id: messages.id })
            .get();
          unread = sender === 1 ? unread + 1 : 0;
          tx.update(conversations)
            .set({ lastMessageId: msg.id, lastContent: content, lastContentType: '1', lastSendTime: sendTime, lastCursor: cursor, unreadCount: unread })
            .where(eq(conversations.id, conversation.id))
            .run();
        });
      });
    }

    const second = tx.insert(branches).values({ name: '南区' }).returning().get();
    SECOND_BRANCH_USERS.forEach((u, i) => {
      tx.insert(users).values({ username: u.username, name: u.name, passwordHash: secondHashes[i]!, role: u.role, branchId: second.id, disabled: u.disabled }).run();
    });
    tx.insert(accounts).values({ phone: UNASSIGNED_PHONE, platform: 'whatsapp', seatId: null, branchId: second.id, status: 'offline' }).run();
    return 'demo';
  });
}
