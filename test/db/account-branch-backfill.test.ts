// The custom migration 0007: accounts made before accounts carried a branch take their seat's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from '../../src/db/open.js';
import { migrationsBefore } from '../helpers/migrations-before.js';

describe('backfill of accounts.branch_id', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-backfill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives an assigned account its seat’s branch and leaves an unassigned one alone', () => {
    // The migrations as they stood before accounts had a branch.
    const before = migrationsBefore('ALTER TABLE `accounts` ADD `branch_id`', dir);

    const database = openDatabase(join(dir, 'hub.db'));
    applyMigrations(database.db, before);
    const sql = database.sqlite;
    sql.prepare("INSERT INTO branches (id, name) VALUES (7, 'b7')").run();
    sql.prepare("INSERT INTO users (id, username, name, password_hash, role, branch_id) VALUES (3, 's', 's', 'x', 'seat', 7)").run();
    sql.prepare("INSERT INTO accounts (id, phone, seat_id) VALUES (1, '+8613700000001', 3), (2, '+8613700000002', NULL)").run();

    applyMigrations(database.db);
    expect(sql.prepare('SELECT id, branch_id AS branchId, disabled FROM accounts ORDER BY id').all()).toEqual([
      { id: 1, branchId: 7, disabled: 0 },
      { id: 2, branchId: null, disabled: 0 },
    ]);
    database.close();
  });
});
