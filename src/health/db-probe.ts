// Whether the database answers, for /healthz: one trivial statement on the engine in use.
import { sql } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Store } from '../db/store.js';

/** Resolves when the database answered, rejects when it did not (in time). */
export type DbProbe = () => Promise<void>;

/** A pool waiting for a connection to a dead server never gives up on its own: /healthz must. */
export const PG_PROBE_TIMEOUT_MS = 2000;

export function createDbProbe(store: Store, timeoutMs = PG_PROBE_TIMEOUT_MS): DbProbe {
  if (store.dialect === 'sqlite') {
    // One statement prepared once and run synchronously, as before the store: the answer costs
    // no more than it did. `exclusive` only waits while a transaction holds the connection.
    let probe: Database.Statement | undefined;
    return async () => {
      await store.exclusive((sqlite) => (probe ??= sqlite.prepare('SELECT 1 AS ok')).get());
    };
  }
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`database: no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([store.rows(sql`SELECT 1`), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}
