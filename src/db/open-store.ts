// Picks the engine from the configuration: PostgreSQL when DATABASE_URL names one, else the
// SQLite file (the embedded default).
import type { Config } from '../config.js';
import { openPgStore } from './pg-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export async function openStore(config: Pick<Config, 'databaseUrl' | 'databasePath' | 'sqliteSynchronous' | 'pgPoolMax'>): Promise<Store> {
  if (config.databaseUrl !== undefined) return openPgStore(config.databaseUrl, { poolMax: config.pgPoolMax });
  return openSqliteStore(config.databasePath, { synchronous: config.sqliteSynchronous });
}
