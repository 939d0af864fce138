import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from '../../src/db/open.js';
import { users, accounts, messages } from '../../src/db/schema.js';
import { seedIfEmpty } from '../../src/db/seed.js';

const dirs: string[] = [];
function tempDb() {
  const dir = mkdtempSync(join(tmpdir(), 'hub-db-'));
  dirs.push(dir);
  return join(dir, 'hub.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('database', () => {
  it('applies the migrations to a fresh file with the pragmas set', () => {
    const database = openDatabase(tempDb());
    applyMigrations(database.db);
    applyMigrations(database.db); // idempotent
    const tables = database.sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['users', 'tokens', 'accounts', 'targets', 'conversations', 'messages', 'activity', 'webhook_deliveries']));
    expect(database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(database.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    database.close();
  });

  it('seeds the demo organisation once, outside production', async () => {
    const path = tempDb();
    const database = openDatabase(path);
    applyMigrations(database.db);
    const options = { production: false, now: Date.UTC(2023, 6, 1), tzName: 'Asia/Shanghai' };
    expect(await seedIfEmpty(database.db, options)).toBe('demo');
    expect(await seedIfEmpty(database.db, options)).toBe('none');
    const names = database.db.select({ u: users.username }).from(users).all().map((r) => r.u);
    expect(names.sort()).toEqual(['admin', 'branch1', 'master', 'retired', 'seat1', 'seat2', 'south', 'super1']);
    // The second branch shows a disabled user and an account no seat holds yet.
    const disabled = database.db.select({ u: users.username }).from(users).where(eq(users.disabled, true)).all();
    expect(disabled).toEqual([{ u: 'retired' }]);
    const phones = database.db.select({ p: accounts.phone, seat: accounts.seatId, branch: accounts.branchId }).from(accounts).all();
    expect(phones.map((r) => r.p).sort()).toEqual(['+8613800000001', '+8613800000002', '+8613800000003', '+8613800000004', '+8613800000010']);
    expect(phones.filter((r) => r.seat === null).map((r) => r.p)).toEqual(['+8613800000010']);
    expect(new Set(phones.map((r) => r.branch)).size).toBe(2);
    expect(database.db.select({ n: count() }).from(messages).get()?.n).toBeGreaterThan(0);
    database.close();
  });

  it('never seeds demo data in production; creates the first master instead', async () => {
    const database = openDatabase(tempDb());
    applyMigrations(database.db);
    const base = { production: true, now: Date.now(), tzName: 'Asia/Shanghai' };
    await expect(seedIfEmpty(database.db, base)).rejects.toThrow(/HUB_ADMIN_USER and HUB_ADMIN_PASSWORD are required/);
    expect(await seedIfEmpty(database.db, { ...base, adminUser: 'boss', adminPassword: 'correct horse' })).toBe('admin');
    const rows = database.db.select({ u: users.username, r: users.role }).from(users).all();
    expect(rows).toEqual([{ u: 'boss', r: 'master' }]);
    expect(database.db.select({ n: count() }).from(accounts).get()?.n).toBe(0);
    database.close();
  });
});
