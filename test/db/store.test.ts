// The store's promises on both engines: builders awaited alike, transactions that commit or roll
// back whole, and on SQLite's one shared connection, statements from outside a transaction
// that wait for it instead of joining it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgStore } from '../../src/db/pg-store.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import { affected, dbFailure, tablesOf, type Store } from '../../src/db/store.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';

const engines = ['sqlite', 'pg'] as const;

describe.each(engines)('store on %s', (engine) => {
  let store: Store;
  let dir: string | undefined;
  let cluster: PrivatePostgres | undefined;

  beforeAll(async () => {
    if (engine === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'hub-store-'));
      store = openSqliteStore(join(dir, 'hub.db'));
    } else {
      cluster = await startPostgres();
      store = await openPgStore(cluster.url);
    }
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('inserts with RETURNING, reads back, and counts what an update touched', async () => {
    const { branches } = store.tables;
    const [row] = await store.db.insert(branches).values({ name: 'north' }).returning({ id: branches.id });
    expect(row!.id).toBeTypeOf('number');
    const found = await store.db.select().from(branches).where(eq(branches.id, row!.id));
    expect(found.map((b) => b.name)).toEqual(['north']);
    expect(found[0]!.createdAt).toBeTypeOf('number');
    expect(affected(await store.db.update(branches).set({ name: 'north-2' }).where(eq(branches.id, row!.id)))).toBe(1);
    expect(affected(await store.db.update(branches).set({ name: 'x' }).where(eq(branches.id, -1)))).toBe(0);
  });

  it('names a unique violation the same way on both engines', async () => {
    const { branches } = store.tables;
    await store.db.insert(branches).values({ name: 'dup' });
    const error = await store.db.insert(branches).values({ name: 'dup' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(dbFailure(error)).toBe('unique');
  });

  it('rolls a failed transaction back whole, and a failed savepoint only', async () => {
    const { branches } = store.tables;
    await expect(
      store.transaction(async (tx) => {
        await tx.insert(branches).values({ name: 'lost' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await store.transaction(async (tx) => {
      await tx.insert(branches).values({ name: 'kept' });
      await store
        .transaction(async (inner) => {
          await inner.insert(branches).values({ name: 'inner-lost' });
          throw new Error('inner');
        }, { within: tx })
        .catch(() => undefined);
    });
    const names = (await store.db.select({ name: branches.name }).from(branches)).map((b) => b.name);
    expect(names).toContain('kept');
    expect(names).not.toContain('lost');
    expect(names).not.toContain('inner-lost');
  });

  it('gives the engine\'s tables of any handle, inside a transaction too', async () => {
    expect(tablesOf(store.db).branches).toBe(store.tables.branches);
    await store.transaction(async (tx) => expect(tablesOf(tx).users).toBe(store.tables.users));
  });

  it('answers raw SQL rows as objects', async () => {
    const rows = await store.rows<{ n: number }>(sql`SELECT count(*) AS n FROM branches`);
    // A number on both engines (PostgreSQL's count is int8).
    expect(rows[0]!.n).toBeTypeOf('number');
    expect(rows[0]!.n).toBeGreaterThan(0);
    const { branches } = store.tables;
    const [row] = await store.db.select({ id: sql<number>`coalesce(${branches.id}, 0)` }).from(branches).limit(1);
    expect(row!.id).toBeTypeOf('number');
  });

  it('keeps a write made outside a transaction when that transaction rolls back', async () => {
    const { branches } = store.tables;
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const failing = store
      .transaction(async (tx) => {
        await tx.insert(branches).values({ name: 'rolled-back' });
        inside();
        await gate; // another request runs now
        throw new Error('rollback');
      })
      .catch(() => 'rolled back');
    await started;
    const outside = store.db.insert(branches).values({ name: 'outside' });
    release();
    expect(await failing).toBe('rolled back');
    await outside;
    const names = (await store.db.select({ name: branches.name }).from(branches)).map((b) => b.name);
    expect(names).toContain('outside');
    expect(names).not.toContain('rolled-back');
  });
});

describe('two SQLite stores on one file in one process', () => {
  it('wait for each other\'s write lock between event-loop turns, so transactions that await finish', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-store-'));
    const one = openSqliteStore(join(dir, 'hub.db'));
    const two = openSqliteStore(join(dir, 'hub.db'));
    try {
      const { branches } = one.tables;
      // Each holds the write lock across awaits while the other wants it: with SQLite's own busy
      // wait the second would block the thread the first needs, and fail after the timeout.
      const writer = (store: Store, prefix: string) =>
        Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.transaction(async (tx) => {
              await tx.insert(branches).values({ name: `${prefix}-${i}-a` });
              await new Promise((resolve) => setTimeout(resolve, 2));
              await tx.insert(branches).values({ name: `${prefix}-${i}-b` });
            }),
          ),
        );
      const started = Date.now();
      await Promise.all([writer(one, 'one'), writer(two, 'two'), two.db.insert(branches).values({ name: 'plain' })]);
      expect(Date.now() - started).toBeLessThan(4000);
      const [{ n }] = (await one.rows<{ n: number }>(sql`SELECT count(*) AS n FROM branches`)) as [{ n: number }];
      expect(n).toBe(41);
    } finally {
      await two.close();
      await one.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('store on sqlite: misuse is loud', () => {
  it('refuses the outer handle inside a transaction, and a transaction handle after it ended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-store-'));
    const store = openSqliteStore(join(dir, 'hub.db'));
    try {
      const { branches } = store.tables;
      let leaked!: typeof store.db;
      // drizzle wraps a driver's error in its own ("Failed query: …"), the reason as its cause.
      const reason = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => String(e.cause ?? e));
      expect(
        await reason(
          store.transaction(async (tx) => {
            leaked = tx;
            await store.db.select().from(branches);
          }),
        ),
      ).toMatch(/pass the transaction/);
      expect(await reason(leaked.select().from(branches))).toMatch(/after its transaction ended/);
      expect(await reason(store.transaction(async () => store.transaction(async () => 1)))).toMatch(/nest it with/);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
