// Builds bench databases directly in SQLite before the hub starts: the migrations and demo
// organisation as the hub makes them, then many seats with live tokens, or a large history.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { applyMigrations, openDatabase } from '../../../src/db/open.js';
import { seedIfEmpty } from '../../../src/db/seed.js';
import { createSqliteStore } from '../../../src/db/sqlite-store.js';
import { dayRange } from '../../../src/time.js';
import { createSqliteMessageIndexing } from '../../../src/search/message-index.sqlite.js';
import { rebuildDashboardIfMissing } from '../../../src/dashboard/rebuild.repository.js';

export const TZ = 'Asia/Shanghai';

export interface BenchSeat {
  id: string;
  token: string;
  phone: string;
}

export interface Prepared {
  path: string;
  seats: BenchSeat[];
}

async function openSeeded(dir: string) {
  const path = join(dir, 'hub.db');
  const database = openDatabase(path);
  applyMigrations(database.db);
  await seedIfEmpty(createSqliteStore(database.sqlite, () => undefined), { production: false, now: Date.now(), tzName: TZ });
  return { path, database };
}

/** The demo organisation plus `seats` extra seats, each with one account and a live token. */
export async function prepareSeats(dir: string, seats: number): Promise<Prepared> {
  const { path, database } = await openSeeded(dir);
  const sqlite = database.sqlite;
  const branch = sqlite.prepare('SELECT id FROM branches LIMIT 1').get() as { id: number };
  const insertUser = sqlite.prepare("INSERT INTO users (username, name, password_hash, role, branch_id) VALUES (?, ?, 'bench-no-login', 'seat', ?)");
  const insertToken = sqlite.prepare('INSERT INTO tokens (user_id, token_hash, expires_at) VALUES (?, ?, ?)');
  const insertAccount = sqlite.prepare("INSERT INTO accounts (phone, seat_id, status) VALUES (?, ?, 'online')");
  const expiresAt = Date.now() + 7 * 24 * 3600_000;
  const made: BenchSeat[] = [];
  sqlite.transaction(() => {
    for (let i = 0; i < seats; i++) {
      const id = Number(insertUser.run(`bench${i}`, `压测坐席${i}`, branch.id).lastInsertRowid);
      const token = randomBytes(16).toString('hex');
      insertToken.run(id, createHash('sha256').update(token).digest('hex'), expiresAt);
      const phone = `+86139${String(i).padStart(8, '0')}`;
      insertAccount.run(phone, id);
      made.push({ id: String(id), token, phone });
    }
  })();
  database.close();
  return { path, seats: made };
}

export interface History {
  path: string;
  messages: number;
  /** Target ids (receIds) that have history, and the days it spans. */
  targets: string[];
  days: string[];
}

/** The demo organisation plus `messages` messages on seat1's first account, spread over
 * targets × days, inserted in one transaction. */
export async function prepareHistory(dir: string, messages: number): Promise<History> {
  const { path, database } = await openSeeded(dir);
  const sqlite = database.sqlite;
  const account = sqlite.prepare("SELECT id, seat_id AS seatId FROM accounts WHERE phone = '+8613800000001'").get() as { id: number; seatId: number };
  const perDay = 50;
  const dayCount = messages >= 100_000 ? 20 : 4;
  const targetCount = Math.max(1, Math.round(messages / (perDay * dayCount)));
  const days: string[] = [];
  for (let d = dayCount; d >= 1; d--) {
    const date = new Date(Date.now() - d * 86_400_000);
    days.push(date.toISOString().slice(0, 10));
  }
  const insertTarget = sqlite.prepare("INSERT INTO targets (account_id, platform_uid, name, conv_type) VALUES (?, ?, ?, 'biDirFriend')");
  const insertConversation = sqlite.prepare('INSERT INTO conversations (target_id, account_id, seat_id) VALUES (?, ?, ?)');
  const insertMessage = sqlite.prepare(
    `INSERT INTO messages (account_id, target_id, bridge_msg_id, sender, content_type, content, send_time, status, read_state, cursor)
     VALUES (?, ?, ?, ?, '1', ?, ?, ?, 1, 0)`,
  );
  const targets: string[] = [];
  let n = 0;
  sqlite.transaction(() => {
    for (let t = 0; t < targetCount; t++) {
      const targetId = Number(insertTarget.run(account.id, `hist-${t}`, `历史对象${t}`).lastInsertRowid);
      insertConversation.run(targetId, account.id, account.seatId);
      targets.push(String(targetId));
      for (const day of days) {
        const { start } = dayRange(day, TZ);
        for (let m = 0; m < perDay; m++, n++) {
          const sender = m % 3 === 0 ? 0 : 1;
          const sendTime = start + Math.floor(((m + 0.5) * 86_400_000) / perDay);
          insertMessage.run(account.id, targetId, `h${n}`, sender, `history message ${n} 你好这个产品怎么用`, sendTime, sender ? 'received' : 'delivered');
        }
      }
    }
  })();
  // A database with a long history has long been indexed for quick search: without this the
  // hub would spend the measurement indexing a million messages in the background.
  const indexer = createSqliteMessageIndexing(sqlite);
  indexer.catchUp(Number.MAX_SAFE_INTEGER);
  if (!indexer.upToDate()) throw new Error('history seed: quick-search index not caught up');
  // Its dashboard counters too: the hub would otherwise build them from every message at start.
  if (!(await rebuildDashboardIfMissing(createSqliteStore(sqlite, () => undefined), TZ))) throw new Error('history seed: dashboard counters not built');
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  database.close();
  return { path, messages: n, targets, days };
}
