// The migration that adds seat streams numbers the activity already stored, per seat, in the
// order it was stored, so the streams are gapless from 1 and continue after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendActivity } from '../../src/activity/activity.repository.js';
import { createSqliteStore } from '../../src/db/sqlite-store.js';
import { applyMigrations, openDatabase } from '../../src/db/open.js';
import { migrationsBefore } from '../helpers/migrations-before.js';

describe('backfill of seat streams', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-seq-backfill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('numbers each seat’s existing activity 1..n in cursor order and goes on from there', async () => {
    const before = migrationsBefore('CREATE TABLE `seat_streams`', dir);

    const database = openDatabase(join(dir, 'hub.db'));
    applyMigrations(database.db, before);
    const sql = database.sqlite;
    // Two seats interleaved, one hub-wide row (no seat).
    const rows: [number | null, string][] = [[3, 'message'], [4, 'message'], [null, 'proxy'], [3, 'status'], [3, 'fans'], [4, 'transfer:in']];
    const insert = sql.prepare('INSERT INTO activity (seat_id, kind) VALUES (?, ?)');
    for (const [seat, kind] of rows) insert.run(seat, kind);

    applyMigrations(database.db);
    expect(sql.prepare('SELECT seat_id AS seat, seq FROM activity ORDER BY cursor').all()).toEqual([
      { seat: 3, seq: 1 },
      { seat: 4, seq: 1 },
      { seat: null, seq: null },
      { seat: 3, seq: 2 },
      { seat: 3, seq: 3 },
      { seat: 4, seq: 2 },
    ]);
    expect(sql.prepare('SELECT seat_id AS seat, seq FROM seat_streams ORDER BY seat_id').all()).toEqual([
      { seat: 3, seq: 3 },
      { seat: 4, seq: 2 },
    ]);
    // New activity continues each stream.
    const store = createSqliteStore(database.sqlite, () => undefined);
    expect((await store.transaction((tx) => appendActivity(tx, { seatId: 3, kind: 'message', at: 0 }))).seq).toBe(4);
    expect((await store.transaction((tx) => appendActivity(tx, { seatId: 5, kind: 'message', at: 0 }))).seq).toBe(1);
    database.close();
  });
});
