// The one data handle every repository gets, on either engine: a drizzle database with the
// engine's tables, transactions that behave alike on both, and the engine's own connection for
// the few hot paths written per dialect.
//
// Repositories are written once against drizzle's async sqlite-core query API (`await` a
// builder; never `.get()`/`.all()`/`.run()`, which PostgreSQL's builders lack) with the tables
// from `store.tables`. On PostgreSQL the same calls build PostgreSQL SQL from the pg-core tables
// of ./pg/schema.ts, which mirror ./schema.ts column for column.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQL } from 'drizzle-orm';
import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import type pg from 'pg';
import type * as sqliteSchema from './schema.js';
import type { Sqlite } from './open.js';

export type Dialect = 'sqlite' | 'pg';
export type Tables = typeof sqliteSchema;
export type Db = SqliteRemoteDatabase<Tables>;

export interface TransactionOptions {
  /** PostgreSQL: run SERIALIZABLE and retry on a serialization failure. SQLite transactions
   * are serializable already (one writer, BEGIN IMMEDIATE). */
  serializable?: boolean;
  /** Nest in this transaction: a savepoint that rolls back alone. */
  within?: Db;
}

interface StoreBase {
  readonly db: Db;
  readonly tables: Tables;
  /** Runs `work` in one transaction; its statements must go through `tx` (on SQLite, the
   * outer `db` inside it throws, as it would run outside the transaction on PostgreSQL). */
  transaction<T>(work: (tx: Db) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Raw SQL for the few statements the query builder cannot say; rows as objects. */
  rows<T>(query: SQL, tx?: Db): Promise<T[]>;
  close(): Promise<void>;
}

export interface SqliteStore extends StoreBase {
  readonly dialect: 'sqlite';
  /** The raw connection: pragmas, checkpoints and backups only. */
  readonly sqlite: Sqlite;
  /** Runs `work` on the raw connection once no transaction holds it: the hot paths with
   * statements prepared once and native (synchronous) transactions. When another connection
   * holds the write lock, `work` fails with SQLITE_BUSY and is run again a moment later: it
   * must change nothing outside the database before its transaction commits. */
  exclusive<T>(work: (sqlite: Sqlite) => T): Promise<T>;
}

export interface PgStore extends StoreBase {
  readonly dialect: 'pg';
  readonly pool: pg.Pool;
}

export type Store = SqliteStore | PgStore;

/** The engine's tables of a database or transaction handle: for a function that is handed
 * only the caller's `tx` (drizzle keeps the schema it was opened with on every handle). */
export function tablesOf(db: Db): Tables {
  return (db as unknown as { _: { fullSchema: Tables } })._.fullSchema;
}

/** Rows an UPDATE or DELETE touched, on either engine. */
export function affected(result: unknown): number {
  const r = result as { rowCount?: number | null; changes?: number };
  return r.rowCount ?? r.changes ?? 0;
}

export type DbFailure = 'unique' | 'foreign_key' | 'serialization' | 'busy';

/** What kind of failure a database error is, on either engine, through drizzle's wrapping. */
export function dbFailure(error: unknown): DbFailure | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    switch (e.code) {
      case 'SQLITE_CONSTRAINT_UNIQUE':
      case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      case '23505':
        return 'unique';
      case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      case '23503':
        return 'foreign_key';
      case '40001':
      case '40P01':
        return 'serialization';
      case 'SQLITE_BUSY':
        return 'busy';
    }
  }
  return undefined;
}

/**
 * The SQLite side of the lease: one connection, so one transaction at a time holds it, and
 * every statement from outside that transaction waits until it ends (as a pool of one
 * connection would). Without this, a statement from another request that ran between two
 * awaits of a transaction would join it and be rolled back with it.
 *
 * A caller checks `blocked()` and runs its statement in the same synchronous step: nothing can
 * take the connection in between.
 */
export interface SqliteLease {
  /** Another transaction holds the connection. */
  blocked(): boolean;
  /** Resolves when the holding transaction ends (check `blocked()` again). */
  released(): Promise<void>;
  /** True inside the transaction that holds the connection. */
  holds(): boolean;
  /** Runs `work` holding the connection. */
  hold<T>(work: () => Promise<T>): Promise<T>;
}

export function createSqliteLease(): SqliteLease {
  const context = new AsyncLocalStorage<object>();
  let holder: object | null = null;
  let waiters: Array<() => void> = [];
  const released = () => new Promise<void>((resolve) => waiters.push(resolve));
  const holds = () => holder !== null && context.getStore() === holder;

  return {
    blocked: () => holder !== null && !holds(),
    released,
    holds,
    async hold(work) {
      while (holder !== null) await released();
      const token = {};
      holder = token;
      try {
        return await context.run(token, work);
      } finally {
        holder = null;
        const woken = waiters;
        waiters = [];
        for (const wake of woken) wake();
      }
    },
  };
}
