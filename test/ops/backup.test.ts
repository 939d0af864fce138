import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, backupPostgres, redactUrl } from '../../scripts/backup.js';
import { openPgStore } from '../../src/db/pg-store.js';
import { findPostgresBin } from '../../src/db/pg/binaries.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('online backup', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startHub();
  });
  afterEach(() => t.close());

  it('copies a consistent database while the hub keeps writing', async () => {
    const writes = (async () => {
      for (let i = 0; i < 50; i++) await postCallback(t, 'messageCallback', inboundMessage({ msgId: `b-${i}` }));
    })();
    const destination = join(t.dir, 'backup', 'hub-copy.db');
    const result = await backupDatabase(join(t.dir, 'hub.db'), destination);
    await writes;
    expect(result.integrity).toBe('ok');
    expect(result.pages).toBeGreaterThan(0);
    const copy = new Database(destination, { readonly: true });
    const users = copy.prepare('SELECT count(*) AS n FROM users').get() as { n: number };
    const migrations = copy.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    copy.close();
    // Every user of the live database (the demo organisation) made it into the copy.
    expect(users.n).toBe((t.hub.database.sqlite.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n);
    expect(users.n).toBeGreaterThanOrEqual(6);
    expect(migrations.n).toBeGreaterThan(0);
  });
});

describe('online backup on PostgreSQL', () => {
  let cluster: PrivatePostgres;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('dumps a consistent archive while writes go on, and it restores to the same rows', async () => {
    const store = await openPgStore(cluster.url);
    const dir = mkdtempSync(join(tmpdir(), 'hub-pg-backup-'));
    try {
      const { branches } = store.tables;
      await store.db.insert(branches).values(Array.from({ length: 20 }, (_, i) => ({ name: `before-${i}` })));
      const writes = (async () => {
        for (let i = 0; i < 30; i++) await store.db.insert(branches).values({ name: `during-${i}` });
      })();
      const destination = join(dir, 'hub.dump');
      const result = await backupPostgres(cluster.url, destination);
      await writes;
      expect(result.tables).toBeGreaterThan(10);

      const restored = await cluster.createDatabase('restored');
      const bin = findPostgresBin(['pg_restore'])!;
      await promisify(execFile)(join(bin, 'pg_restore'), ['--no-owner', `--dbname=${restored}`, destination]);
      const copy = new pg.Client({ connectionString: restored });
      await copy.connect();
      try {
        const names = (await copy.query<{ name: string }>('SELECT name FROM branches')).rows.map((r) => r.name);
        // One snapshot: every row written before the dump, and a prefix of those written during it.
        for (let i = 0; i < 20; i++) expect(names).toContain(`before-${i}`);
        const during = names.filter((n) => n.startsWith('during-')).map((n) => Number(n.slice('during-'.length)));
        expect(during.sort((a, b) => a - b)).toEqual(during.map((_, i) => i));
        const migrations = await copy.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
        expect(migrations.rows[0].n).toBeGreaterThan(0);
      } finally {
        await copy.end();
      }
      expect(redactUrl('postgres://hub:s3cret@db:5432/hub')).not.toContain('s3cret');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
