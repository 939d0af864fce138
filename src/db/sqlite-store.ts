// The SQLite store: the one better-sqlite3 connection behind drizzle's async (proxy) driver, so
// that repositories await the same builders on both engines, and a lease that keeps
// transactions whole on a connection every request shares.
import type { SQL } from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import type Database from 'better-sqlite3';
import { applyMigrations, openDatabase, type OpenDatabaseOptions, type Sqlite } from './open.js';
import * as schema from './schema.js';
import { createSqliteLease, type Db, type SqliteStore } from './store.js';

type Method = 'run' | 'all' | 'values' | 'get';

const dialect = new SQLiteAsyncDialect();

/** Statements prepared once per SQL text: the builders produce a handful of shapes each. */
function statementCache(sqlite: Sqlite) {
  const cache = new Map<string, Database.Statement>();
  return (text: string): Database.Statement => {
    let statement = cache.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      cache.set(text, statement);
    }
    return statement;
  };
}

const isBusy = (error: unknown) => String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface SqliteStoreOptions {
  /** How long a write waits for another connection's write lock before it fails (5 s). */
  busyTimeoutMs?: number;
}

export function createSqliteStore(sqlite: Sqlite, close: () => void = () => sqlite.close(), options: SqliteStoreOptions = {}): SqliteStore {
  const lease = createSqliteLease();
  const prepare = statementCache(sqlite);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  // A transaction here may hold the write lock across awaits. SQLite's own busy wait would block
  // the thread, and with it any other connection of this process that holds the lock and needs
  // the thread to finish (two hubs on one file in one process would stall each other for the
  // whole timeout): wait for the lock between event-loop turns instead.
  sqlite.pragma('busy_timeout = 0');
  const retryBusy = async <T>(attempt: () => T): Promise<T> => {
    const deadline = Date.now() + busyTimeoutMs;
    for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
      try {
        return attempt();
      } catch (error) {
        // Only a statement that did nothing may run again: outside any transaction.
        if (!isBusy(error) || sqlite.inTransaction || Date.now() >= deadline) throw error;
      }
      await pause(wait);
    }
  };

  // Builder queries map rows by position; `run` answers what an UPDATE touched as PostgreSQL's
  // driver does (rowCount), so `affected()` reads both.
  const execute = (text: string, params: unknown[], method: Method): { rows: unknown[]; rowCount?: number } => {
    const statement = prepare(text);
    if (method === 'run' || !statement.reader) {
      const info = statement.run(...params);
      return { rows: [], rowCount: info.changes };
    }
    statement.raw(true);
    if (method === 'get') return { rows: statement.get(...params) as unknown[] };
    return { rows: statement.all(...params) };
  };

  const outer = drizzle(
    async (text, params, method) => {
      if (lease.holds()) throw new Error('a statement inside a transaction went around it: pass the transaction (tx) down');
      while (lease.blocked()) await lease.released();
      return retryBusy(() => execute(text, params, method));
    },
    { schema },
  ) as Db;
  const inner = drizzle(
    async (text, params, method) => {
      if (!lease.holds()) throw new Error('a transaction handle was used after its transaction ended');
      return execute(text, params, method);
    },
    { schema },
  ) as Db;

  const savepoints = { depth: 0 };

  return {
    dialect: 'sqlite',
    db: outer,
    tables: schema,
    sqlite,
    async transaction(work, options = {}) {
      if (lease.holds() && options.within === undefined) throw new Error('a transaction inside a transaction: nest it with { within: tx }');
      if (options.within !== undefined) {
        if (!lease.holds()) throw new Error('a transaction handle was used after its transaction ended');
        // Nested: a savepoint inside the holding transaction.
        const name = `sp${++savepoints.depth}`;
        sqlite.exec(`SAVEPOINT ${name}`);
        try {
          const result = await work(inner);
          sqlite.exec(`RELEASE ${name}`);
          return result;
        } catch (error) {
          sqlite.exec(`ROLLBACK TO ${name}`);
          sqlite.exec(`RELEASE ${name}`);
          throw error;
        } finally {
          savepoints.depth--;
        }
      }
      return lease.hold(async () => {
        // IMMEDIATE takes the write lock up front: two processes sharing the file never
        // deadlock upgrading a read lock.
        await retryBusy(() => sqlite.exec('BEGIN IMMEDIATE'));
        try {
          const result = await work(inner);
          sqlite.exec('COMMIT');
          return result;
        } catch (error) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          throw error;
        }
      });
    },
    async rows<T>(query: SQL, tx?: Db): Promise<T[]> {
      const { sql: text, params } = dialect.sqlToQuery(query);
      if (tx === undefined) {
        if (lease.holds()) throw new Error('a statement inside a transaction went around it: pass the transaction (tx) down');
        while (lease.blocked()) await lease.released();
      } else if (!lease.holds()) throw new Error('a transaction handle was used after its transaction ended');
      const statement = prepare(text);
      const read = () => {
        if (!statement.reader) {
          statement.run(...params);
          return [];
        }
        return statement.raw(false).all(...params) as T[];
      };
      return tx === undefined ? retryBusy(read) : read();
    },
    exclusive(work) {
      // The common case in one synchronous step (no transaction holds the connection, no other
      // connection holds the write lock): a hot read pays for no promise chain of its own.
      if (!lease.blocked()) {
        try {
          return Promise.resolve(work(sqlite));
        } catch (error) {
          if (!isBusy(error) || sqlite.inTransaction) return Promise.reject(error);
        }
      }
      return (async () => {
        while (lease.blocked()) await lease.released();
        return retryBusy(() => work(sqlite));
      })();
    },
    async close() {
      while (lease.blocked()) await lease.released();
      close();
    },
  };
}

/** Opens (and migrates) the SQLite file at `path`. */
export function openSqliteStore(path: string, options: OpenDatabaseOptions = {}): SqliteStore {
  const database = openDatabase(path, options);
  applyMigrations(database.db);
  return createSqliteStore(database.sqlite, database.close, { busyTimeoutMs: options.busyTimeoutMs });
}
