// `npm run migrate-to-pg`: a SQLite hub database with every table populated is copied into a
// private PostgreSQL cluster; counts and rows (every column) must match, ids included, and the
// identities must continue past the copied ids.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToPg } from '../../scripts/migrate-to-pg.js';
import { applyMigrations, openDatabase, type Database_, type Db } from '../../src/db/open.js';
import { sqliteSchemaModel } from '../../src/db/pg/schema-model.js';
import * as s from '../../src/db/schema.js';
import { seedIfEmpty } from '../../src/db/seed.js';
import { createSqliteStore } from '../../src/db/sqlite-store.js';
import { SEED_ROLE_PERMISSIONS, SEED_TREE } from '../../src/permissions/menu-seed.js';
import { createPermissionsRepository } from '../../src/permissions/permissions.repository.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';

const run = promisify(execFile);
const NOW = 1_795_000_000_123;

let dir: string;
let sqlitePath: string;
let source: Database_;
let cluster: PrivatePostgres;

/** Rows for the tables the demo data leaves empty, with nulls, quotes, CJK text and 64-bit values. */
async function populateTheRest(db: Db) {
  const store = createSqliteStore(source.sqlite, () => undefined);
  await store.transaction((tx) => createPermissionsRepository(store).seedOnce(tx, SEED_TREE, SEED_ROLE_PERMISSIONS));
  const seat = db.select().from(s.users).where(eq(s.users.username, 'seat1')).get()!;
  const master = db.select().from(s.users).where(eq(s.users.username, 'master')).get()!;
  const conversation = db.select().from(s.conversations).where(eq(s.conversations.seatId, seat.id)).get()!;
  const account = db.select().from(s.accounts).where(eq(s.accounts.id, conversation.accountId)).get()!;
  const message = db.select().from(s.messages).where(eq(s.messages.targetId, conversation.targetId)).get()!;
  const other = db.select().from(s.users).where(eq(s.users.username, 'seat2')).get()!;
  db.insert(s.tokens).values([
    { userId: seat.id, tokenHash: 'h1', expiresAt: NOW + 86_400_000, createdAt: NOW },
    { userId: master.id, tokenHash: 'h2', expiresAt: NOW, revokedAt: NOW - 5, createdAt: NOW },
  ]).run();
  const tag = db.insert(s.seatTags).values({ seatId: seat.id, name: '重要 "VIP"', color: null, createdAt: NOW }).returning().get();
  db.insert(s.targetTags).values({ tagId: tag.id, targetId: conversation.targetId, createdAt: NOW }).run();
  db.insert(s.contents).values([
    { scope: 'seat', ownerUserId: seat.id, title: "it's", body: '您好,\n欢迎', shortcut: '/hi', createdAt: NOW },
    { scope: 'branch', ownerUserId: master.id, branchId: seat.branchId, title: 'img', body: '', contentType: '2', mediaUrl: 'https://x/y.png', createdAt: NOW },
  ]).run();
  db.insert(s.transfers).values({ targetId: conversation.targetId, fromSeatId: seat.id, toSeatId: other.id, byUserId: master.id, reason: null, requestKey: 'rk-1', createdAt: NOW }).run();
  db.insert(s.webhookDeliveries).values({ webhookId: 'msg_2Lh9', path: '/xd/bridge/callback', receivedAt: NOW }).run();
  db.insert(s.translations).values({ sourceHash: 'abc', fromLang: 'auto', toLang: 'zh', translated: '价格', detectedLang: null, createdAt: NOW }).run();
  db.insert(s.mediaFiles).values({ messageId: message.id, fileName: 'a.jpg', contentType: 'image/jpeg', size: 5_000_000_000, createdAt: NOW }).run();
  // Deleted rows at the end leave SQLite's AUTOINCREMENT mark above max(id): ids 2 and 3 are used.
  db.insert(s.auditLog).values([1, 2, 3].map((i) => ({ actorId: master.id, action: 'user.update', subject: `user:${i}`, detail: JSON.stringify({ name: { before: 'a', after: '乙' } }), ip: '10.0.0.1', createdAt: NOW + i }))).run();
  db.delete(s.auditLog).where(eq(s.auditLog.subject, 'user:3')).run();
  db.delete(s.auditLog).where(eq(s.auditLog.subject, 'user:2')).run();
  db.insert(s.dashboardHours).values({ day: '2026-11-26', branchId: seat.branchId!, seatId: seat.id, hour: 9, inbound: 3, outbound: 1, activeTargets: 1, replies: 1, replyMs: 9_000_000_000 }).run();
  const pull = db.insert(s.groupPulls).values({ accountId: account.id, createdBy: seat.id, groupName: '群', perMinute: 5, createdAt: NOW }).returning().get();
  db.insert(s.groupPullMembers).values([
    { taskId: pull.id, phone: '+5511999990001' },
    { taskId: pull.id, phone: '+5511999990002', state: 'sending', attempts: 2, claimedAt: NOW },
  ]).run();
  // Several pages of messages, so the copy goes through many batches.
  const base = db.select().from(s.messages).where(eq(s.messages.id, message.id)).get()!;
  db.insert(s.messages).values(Array.from({ length: 40 }, (_, i) => ({ ...base, id: undefined, bridgeMsgId: `bulk-${i}`, content: `批量 ${i} 'q' "d"`, sendTime: NOW + i }))).run();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-migrate-pg-'));
  sqlitePath = join(dir, 'hub.db');
  source = openDatabase(sqlitePath);
  applyMigrations(source.db);
  await seedIfEmpty(createSqliteStore(source.sqlite, () => undefined), { production: false, now: NOW, tzName: 'Asia/Shanghai' });
  await populateTheRest(source.db);
  cluster = await startPostgres();
});

afterAll(async () => {
  source?.close();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tables = () => [...sqliteSchemaModel(source.sqlite).keys()];
const sqliteCount = (table: string) => Number(source.sqlite.prepare(`SELECT count(*) FROM "${table}"`).pluck().get());

/** A value as text, so SQLite's integers, PostgreSQL's int8 strings and both booleans compare. */
const norm = (v: unknown, boolean: boolean) => (v === null || v === undefined ? null : boolean ? String(Number(v) !== 0 && v !== false && v !== 'f') : String(v));

async function expectSameRows(client: pg.Client, table: string) {
  const model = sqliteSchemaModel(source.sqlite).get(table)!;
  const columns = [...model.columns.keys()];
  const key = (model.primaryKey.length > 0 ? model.primaryKey : columns).map((c) => `"${c}"`).join(', ');
  const { rows: types } = await client.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  const booleans = new Set(types.filter((t) => t.type === 'boolean').map((t) => t.name));
  // A sample from both ends of the key order, every column.
  const sample = (order: string) => `SELECT * FROM "${table}" ORDER BY ${key.split(', ').map((k) => `${k} ${order}`).join(', ')} LIMIT 5`;
  for (const order of ['ASC', 'DESC']) {
    const want = (source.sqlite.prepare(sample(order)).safeIntegers(true).all() as Record<string, unknown>[]).map((r) => columns.map((c) => norm(r[c], booleans.has(c))));
    const got = (await client.query(sample(order))).rows.map((r: Record<string, unknown>) => columns.map((c) => norm(r[c], booleans.has(c))));
    expect(got, `${table} ${order}`).toEqual(want);
  }
}

describe('migrate-to-pg', () => {
  it('copies every table, row for row, and continues ids past the copied ones', async () => {
    for (const table of tables()) expect(sqliteCount(table), `${table} must have rows for this test to cover it`).toBeGreaterThan(0);
    expect(tables().length).toBeGreaterThanOrEqual(24);

    const url = await cluster.createDatabase('copy');
    const counts = await migrateToPg({ from: sqlitePath, to: url, batchSize: 7 });
    expect(Object.fromEntries(counts.map((c) => [c.table, c.rows]))).toEqual(Object.fromEntries(tables().map((t) => [t, sqliteCount(t)])));
    // Parents before children, or the foreign keys would have refused the rows.
    const order = counts.map((c) => c.table);
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('messages'));
    expect(order.indexOf('messages')).toBeLessThan(order.indexOf('media_files'));

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const table of tables()) {
        const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`);
        expect(Number(rows[0]!.n), table).toBe(sqliteCount(table));
        await expectSameRows(client, table);
      }
      const bigValues = await client.query(`SELECT (SELECT size FROM media_files) AS size, (SELECT reply_ms FROM dashboard_hours) AS reply`);
      expect(bigValues.rows[0]).toEqual({ size: '5000000000', reply: '9000000000' });
      const disabled = await client.query(`SELECT username FROM users WHERE disabled ORDER BY id`);
      expect(disabled.rows.map((r) => r.username)).toEqual(source.sqlite.prepare('SELECT username FROM users WHERE disabled = 1 ORDER BY id').pluck().all());

      // New rows take ids past the largest used, and past SQLite's AUTOINCREMENT mark.
      const maxMessage = Number(source.sqlite.prepare('SELECT max(id) FROM messages').pluck().get());
      const inserted = await client.query(`INSERT INTO branches (name) VALUES ('新') RETURNING id, created_at`);
      expect(Number(inserted.rows[0].id)).toBe(Number(source.sqlite.prepare('SELECT max(id) FROM branches').pluck().get()) + 1);
      expect(Math.abs(Number(inserted.rows[0].created_at) - Date.now())).toBeLessThan(60_000);
      const audit = await client.query(`INSERT INTO audit_log (action, subject) VALUES ('x', 'y') RETURNING id`);
      expect(Number(audit.rows[0].id)).toBe(4);
      const next = await client.query(`SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id`);
      expect(Number(next.rows[0].id)).toBe(maxMessage + 1);
    } finally {
      await client.end();
    }
  });

  it('refuses a non-empty target unless --force, which replaces its rows', async () => {
    const url = await cluster.createDatabase('occupied');
    await migrateToPg({ from: sqlitePath, to: url });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`INSERT INTO branches (name) VALUES ('already here')`);
      await expect(migrateToPg({ from: sqlitePath, to: url })).rejects.toThrow(/not empty \(.*branches.*\).*--force/);
      expect((await client.query(`SELECT count(*)::int AS n FROM branches WHERE name = 'already here'`)).rows[0].n).toBe(1);

      await migrateToPg({ from: sqlitePath, to: url, force: true });
      expect((await client.query(`SELECT count(*)::int AS n FROM branches`)).rows[0].n).toBe(sqliteCount('branches'));
      expect((await client.query(`SELECT count(*)::int AS n FROM messages`)).rows[0].n).toBe(sqliteCount('messages'));
    } finally {
      await client.end();
    }
  });

  it('leaves the target empty when the copy fails, and refuses a source at another schema', async () => {
    const url = await cluster.createDatabase('failed');
    const broken = join(dir, 'broken.db');
    const copy = openDatabase(broken);
    try {
      applyMigrations(copy.db);
      copy.sqlite.exec(`INSERT INTO branches (name) VALUES ('b'); INSERT INTO proxies (host, port) VALUES ('h', 'not a port')`);
    } finally {
      copy.close();
    }
    await expect(migrateToPg({ from: broken, to: url })).rejects.toThrow(/integer/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query(`SELECT count(*)::int AS n FROM branches`)).rows[0].n).toBe(0);
    } finally {
      await client.end();
    }

    const old = join(dir, 'old.db');
    const oldDb = openDatabase(old);
    try {
      applyMigrations(oldDb.db);
      oldDb.sqlite.exec('ALTER TABLE proxies DROP COLUMN country');
    } finally {
      oldDb.close();
    }
    await expect(migrateToPg({ from: old, to: url })).rejects.toThrow(/column proxies\.country: only in PostgreSQL/);
  });

  it('runs from the command line and prints the count of every table', async () => {
    const url = await cluster.createDatabase('cli');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/migrate-to-pg.ts', '--from', sqlitePath, '--to', url], { cwd: process.cwd() });
    const printed = Object.fromEntries(stdout.trim().split('\n').map((line) => line.trim().split(/\s+/) as [string, string]));
    for (const table of tables()) expect(printed[table], table).toBe(String(sqliteCount(table)));
    expect(printed.total).toBe(String(tables().reduce((sum, t) => sum + sqliteCount(t), 0)));

    const refused = await run(process.execPath, ['--import', 'tsx', 'scripts/migrate-to-pg.ts', '--from', sqlitePath, '--to', url]).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/not empty/) });
    const usage = await run(process.execPath, ['--import', 'tsx', 'scripts/migrate-to-pg.ts', '--from', sqlitePath]).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringMatching(/--to/) });
  });
});
