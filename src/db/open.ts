// Opens the SQLite file with the pragmas every hub process needs and applies the migrations.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;
export type Sqlite = Database.Database;

// src/db and dist/db are both two levels below the package root.
export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle/sqlite');

export interface OpenDatabaseOptions {
  synchronous?: 'NORMAL' | 'FULL';
  busyTimeoutMs?: number;
}

export interface Database_ {
  sqlite: Sqlite;
  db: Db;
  close(): void;
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database_ {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  // Several hub processes may share the file: WAL lets readers run beside the one writer,
  // busy_timeout makes a writer wait for the lock instead of failing at once.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('temp_store = MEMORY');
  const db = drizzle(sqlite, { schema });
  return { sqlite, db, close: () => sqlite.close() };
}

/** A synchronous drizzle handle on a connection opened elsewhere (tests and tools inspecting
 * the file); closing the connection stays with its owner. */
export function sqliteView(sqlite: Sqlite): Database_ {
  return { sqlite, db: drizzle(sqlite, { schema }), close: () => undefined };
}

/**
 * Applies pending migrations. Two processes starting together may race: the loser fails on a
 * table the winner just created, and a second pass then finds everything applied.
 */
export function applyMigrations(db: Db, migrationsFolder = MIGRATIONS_DIR): void {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

// drizzle() puts the better-sqlite3 handle on the instance; its type only says so on drizzle()'s result.
export const clientOf = (db: Db): Sqlite => (db as Db & { $client: Sqlite }).$client;

// db.transaction() (drizzle's and better-sqlite3's) builds a new transaction wrapper, several
// closures and properties, on every call: on a read path that cost as much as the queries. One
// wrapper per connection takes the work as an argument instead. Statements run on the one
// connection, so `db` itself is the transaction; nested calls become savepoints.
type Runner = Database.Transaction<(work: (arg: never) => unknown, arg: unknown) => unknown>;
const runners = new WeakMap<Sqlite, Runner>();

function runnerOf(sqlite: Sqlite): Runner {
  let run = runners.get(sqlite);
  if (!run) {
    run = sqlite.transaction((work: (arg: never) => unknown, arg: unknown) => work(arg as never));
    runners.set(sqlite, run);
  }
  return run;
}

/** Runs `work` in a BEGIN IMMEDIATE transaction: the write lock is taken up front, so two
 * writers never deadlock upgrading a read lock. */
export function writeTransaction<T>(db: Db, work: (tx: Db) => T): T {
  return runnerOf(clientOf(db)).immediate(work, db) as T;
}

/** Runs `work` in a read transaction: every query in it sees one snapshot. */
export function readTransaction<T>(db: Db, work: (tx: Db) => T): T {
  return runnerOf(clientOf(db)).deferred(work, db) as T;
}

/** readTransaction for code that holds the raw better-sqlite3 connection. */
export function readSnapshot<T>(sqlite: Sqlite, read: () => T): T {
  return runnerOf(sqlite).deferred(read, undefined) as T;
}
