// Applies the PostgreSQL migrations (drizzle/pg, generated from ./schema.ts) with drizzle's
// node-postgres migrator. It runs them in one transaction and records them in
// drizzle.__drizzle_migrations, so a second call applies only what is new.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as schema from './schema.js';

// src/db/pg and dist/db/pg are both three levels below the package root.
export const PG_MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../drizzle/pg');

// Any constant both hosts agree on: the advisory lock that makes concurrent starts take turns.
const MIGRATION_LOCK = 7_304_183;

/** `target` is a connection string (a pool is opened and closed here) or a pool the caller owns.
 * Two hosts starting together take turns: the second finds everything applied. */
export async function applyPgMigrations(target: string | pg.Pool, migrationsFolder = PG_MIGRATIONS_DIR): Promise<void> {
  const pool = typeof target === 'string' ? new pg.Pool({ connectionString: target, max: 1 }) : target;
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
    if (typeof target === 'string') await pool.end();
  }
}
