import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase } from '../../src/db/open.js';

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
});
