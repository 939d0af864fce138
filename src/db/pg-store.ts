// The PostgreSQL store: a `pg` pool behind drizzle's node-postgres driver with the pg-core tables
// of ./pg/schema.ts. Repositories see it through the same `Db` type as SQLite's (./store.ts):
// the builders they await exist on both, and the contract suites run on both.
import type { SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { applyPgMigrations } from './pg/migrate.js';
import * as schema from './pg/schema.js';
import { dbFailure, type Db, type PgStore, type Tables } from './store.js';

export interface PgStoreOptions {
  /** Connections in the pool (10 by default). */
  poolMax?: number;
  /** Gives up on a statement after this long (ms; 30 s by default) instead of holding a
   * connection forever. */
  statementTimeoutMs?: number;
  /** An idle connection the server dropped (restart, failover, admin command). */
  onIdleError?: (error: Error) => void;
}

// int8 (ids, counts, epoch ms) as JS numbers, exact up to 2^53, as SQLite's integers read. Set
// process-wide: drizzle's node-postgres driver parses with pg's global parsers on every query,
// whatever a pool is given, so an expression such as count(*) or coalesce(id, …) would read as
// a string otherwise.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/** Serialization failures are expected under SERIALIZABLE: the transaction is run again. */
const SERIALIZABLE_ATTEMPTS = 5;

export function createPgStore(pool: pg.Pool): PgStore {
  const db = drizzle(pool, { schema });
  const asDb = (handle: NodePgDatabase<typeof schema>) => handle as unknown as Db;

  return {
    dialect: 'pg',
    db: asDb(db),
    tables: schema as unknown as Tables,
    pool,
    async transaction(work, options = {}) {
      if (options.within !== undefined) return (options.within as unknown as NodePgDatabase<typeof schema>).transaction((tx) => work(asDb(tx)));
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction((tx) => work(asDb(tx)), options.serializable ? { isolationLevel: 'serializable' } : undefined);
        } catch (error) {
          if (!options.serializable || attempt >= SERIALIZABLE_ATTEMPTS || dbFailure(error) !== 'serialization') throw error;
        }
      }
    },
    async rows<T>(query: SQL, tx?: Db): Promise<T[]> {
      const handle = (tx ?? db) as unknown as NodePgDatabase<typeof schema>;
      return (await handle.execute(query)).rows as T[];
    },
    async close() {
      await pool.end();
    },
  };
}

/** Opens a pool on `url` and applies the PostgreSQL migrations. */
export async function openPgStore(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
  });
  // Without a listener, a server dropping an idle connection would be an unhandled 'error' and
  // end the process; the pool has already discarded that client and opens a new one on demand.
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    await applyPgMigrations(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return createPgStore(pool);
}
