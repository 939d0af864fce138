import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKSTOP_PAGES, startCheckpointer } from '../../src/db/checkpointer.js';
import { openDatabase } from '../../src/db/open.js';
import { waitFor } from '../helpers/sockets.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('WAL checkpointer', () => {
  it('copies committed pages into the database file from its worker, not the writer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
    dirs.push(dir);
    const path = join(dir, 'hub.db');
    const database = openDatabase(path);
    const { sqlite } = database;
    sqlite.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const checkpointer = startCheckpointer(sqlite, { intervalMs: 10 });
    // The writer hands checkpointing over once the worker runs.
    await waitFor(() => sqlite.pragma('wal_autocheckpoint', { simple: true }) === BACKSTOP_PAGES, 10_000, 'worker online');

    const before = statSync(path).size;
    const insert = sqlite.prepare('INSERT INTO blobs (body) VALUES (?)');
    // ~2 MB in 200 small transactions: far below the writer's own threshold of BACKSTOP_PAGES.
    for (let t = 0; t < 200; t++) sqlite.transaction(() => {
      for (let i = 0; i < 10; i++) insert.run('x'.repeat(1000));
    })();
    await waitFor(() => statSync(path).size > before + 1_500_000, 10_000, 'checkpointed pages in the database file');

    await checkpointer.stop();
    expect((sqlite.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n).toBe(2000);
    database.close();
  });

  it('does nothing for an in-memory database', async () => {
    const database = openDatabase(':memory:');
    await startCheckpointer(database.sqlite).stop();
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    database.close();
  });
});
