// First-run seeding over both engines: the demo organisation or the first master, written once
// (a second run, or a second instance seeding the same empty database at the same moment,
// writes nothing), and the permission tree likewise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, count, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/db/pg-store.js';
import { seedIfEmpty, type SeedOptions } from '../../src/db/seed.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import type { Store } from '../../src/db/store.js';
import { SEED_ROLE_PERMISSIONS, SEED_TREE, type SeedMenu } from '../../src/permissions/menu-seed.js';
import { createPermissionsRepository } from '../../src/permissions/permissions.repository.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';

const engines = ['sqlite', 'pg'] as const;
const DEMO: SeedOptions = { production: false, now: Date.UTC(2023, 6, 1), tzName: 'Asia/Shanghai' };
const PRODUCTION: SeedOptions = { production: true, now: Date.UTC(2023, 6, 1), tzName: 'Asia/Shanghai' };

let cluster: PrivatePostgres | undefined;
const dirs: string[] = [];
beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const menusIn = (tree: SeedMenu[]): number => tree.reduce((n, node) => n + 1 + menusIn(node.children ?? []), 0);

/** Every row the demo seed writes, in key order: two runs must leave exactly these. */
async function snapshot(store: Store) {
  const t = store.tables;
  const db = store.db;
  return {
    branches: await db.select().from(t.branches).orderBy(asc(t.branches.id)),
    users: await db.select().from(t.users).orderBy(asc(t.users.id)),
    proxies: await db.select().from(t.proxies).orderBy(asc(t.proxies.id)),
    accounts: await db.select().from(t.accounts).orderBy(asc(t.accounts.id)),
    targets: await db.select().from(t.targets).orderBy(asc(t.targets.id)),
    conversations: await db.select().from(t.conversations).orderBy(asc(t.conversations.id)),
    messages: await db.select().from(t.messages).orderBy(asc(t.messages.id)),
    fanEvents: await db.select().from(t.fanEvents).orderBy(asc(t.fanEvents.id)),
    activity: await db.select().from(t.activity).orderBy(asc(t.activity.cursor)),
    seatStreams: await db.select().from(t.seatStreams).orderBy(asc(t.seatStreams.seatId)),
  };
}

describe.each(engines)('seeding on %s', (engine) => {
  let databases = 0;
  const opened: Store[] = [];
  /** A fresh, migrated, empty database. */
  async function fresh(): Promise<Store> {
    let store: Store;
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'hub-seed-contract-'));
      dirs.push(dir);
      store = openSqliteStore(join(dir, 'hub.db'));
    } else {
      store = await openPgStore(await cluster!.createDatabase(`t_seed_${++databases}`), { poolMax: 4 });
    }
    opened.push(store);
    return store;
  }
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('seeds the demo organisation once: a second run answers none and leaves the same rows', async () => {
    const store = await fresh();
    expect(await seedIfEmpty(store, DEMO)).toBe('demo');
    const first = await snapshot(store);
    expect(await seedIfEmpty(store, DEMO)).toBe('none');
    expect(await snapshot(store)).toEqual(first);

    expect(first.users.map((u) => u.username).sort()).toEqual(['admin', 'branch1', 'master', 'retired', 'seat1', 'seat2', 'south', 'super1']);
    expect(first.users.filter((u) => u.disabled).map((u) => u.username)).toEqual(['retired']);
    expect(first.accounts.filter((a) => a.seatId === null).map((a) => a.phone)).toEqual(['+8613800000010']);
    expect(new Set(first.accounts.map((a) => a.branchId)).size).toBe(2);
    // Every demo message has its activity row, and each seat's stream counts its messages.
    expect(first.messages.length).toBeGreaterThan(0);
    expect(first.messages.map((m) => m.cursor)).toEqual(first.activity.map((a) => a.cursor));
    const perSeat = new Map<number, number>();
    for (const a of first.activity) perSeat.set(a.seatId!, (perSeat.get(a.seatId!) ?? 0) + 1);
    expect(first.seatStreams.map((s) => [s.seatId, s.seq])).toEqual([...perSeat].sort((a, b) => a[0] - b[0]));
    // Each conversation points at its newest message with the unread run since the seat's last reply.
    for (const c of first.conversations) {
      const last = first.messages.filter((m) => m.targetId === c.targetId).at(-1)!;
      expect([c.lastMessageId, c.lastCursor, c.lastContent]).toEqual([last.id, last.cursor, last.content]);
    }
    expect(first.conversations.map((c) => c.unreadCount)).toEqual([1, 1, 1, 1]);
  });

  it('creates only the first master in production, and only with its credentials', async () => {
    const store = await fresh();
    await expect(seedIfEmpty(store, PRODUCTION)).rejects.toThrow(/HUB_ADMIN_USER and HUB_ADMIN_PASSWORD are required/);
    const withAdmin = { ...PRODUCTION, adminUser: 'boss', adminPassword: 'correct horse' };
    expect(await seedIfEmpty(store, withAdmin)).toBe('admin');
    expect(await seedIfEmpty(store, withAdmin)).toBe('none');
    const { users, accounts } = store.tables;
    expect(await store.db.select({ u: users.username, r: users.role }).from(users)).toEqual([{ u: 'boss', r: 'master' }]);
    expect((await store.db.select({ n: count() }).from(accounts))[0]!.n).toBe(0);
  });

  it('writes the demo once when two instances seed the same empty database at the same moment', async () => {
    const store = await fresh();
    // On PostgreSQL each run has a connection of its own from the pool, as two hosts would.
    const outcomes = await Promise.all([seedIfEmpty(store, DEMO), seedIfEmpty(store, DEMO)]);
    expect(outcomes.sort()).toEqual(['demo', 'none']);
    const { users } = store.tables;
    expect((await store.db.select({ n: count() }).from(users))[0]!.n).toBe(8);
  });

  it.runIf(engine === 'pg')('lets the second of two overlapping demo seeds fail on the first one’s rows and answer none', async () => {
    const url = await cluster!.createDatabase(`t_seed_${++databases}`);
    const store = await openPgStore(url, { poolMax: 4 });
    opened.push(store);
    // Hold writes to users: both seeds count no users and start writing before either commits.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
      const both = Promise.all([seedIfEmpty(store, DEMO), seedIfEmpty(store, DEMO)]);
      // Asked from outside the holder's transaction, which would see one snapshot of the view.
      const waiting = async () =>
        Number((await store.rows<{ n: unknown }>(sql`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0]!.n);
      for (let tries = 0; (await waiting()) < 2; tries++) {
        if (tries > 500) throw new Error('the two seeds never overlapped');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await holder.query('COMMIT');
      expect((await both).sort()).toEqual(['demo', 'none']);
    } finally {
      await holder.end();
    }
    const { users } = store.tables;
    expect((await store.db.select({ n: count() }).from(users))[0]!.n).toBe(8);
  });

  it('creates one first master when two production instances start at once', async () => {
    const store = await fresh();
    const withAdmin = { ...PRODUCTION, adminUser: 'boss', adminPassword: 'correct horse' };
    expect((await Promise.all([seedIfEmpty(store, withAdmin), seedIfEmpty(store, withAdmin)])).sort()).toEqual(['admin', 'none']);
  });

  it('writes the permission tree once, even from two transactions at once', async () => {
    const store = await fresh();
    const repository = createPermissionsRepository(store);
    const seed = () => store.transaction((tx) => repository.seedOnce(tx, SEED_TREE, SEED_ROLE_PERMISSIONS));
    expect((await Promise.all([seed(), seed()])).sort()).toEqual([false, true]);
    expect(await seed()).toBe(false);
    expect((await repository.listMenus()).length).toBe(menusIn(SEED_TREE));
    expect(await repository.version()).toBe(1);
    const grants = await repository.roleMenuIds();
    expect(grants.get('master')).toEqual([]);
    expect(grants.get('seat')!.length).toBeGreaterThan(0);
  });
});
