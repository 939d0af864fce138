// Both engines for a contract test file: fresh SQLite files in a temp dir, or fresh databases
// on one private PostgreSQL cluster per file (started on first use, stopped with the harness).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgStore } from '../../src/db/pg-store.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import type { Store } from '../../src/db/store.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';

export const ENGINES = ['sqlite', 'pg'] as const;
export type Engine = (typeof ENGINES)[number];

export interface Engines {
  /** A new, migrated, empty database on the engine. */
  fresh(): Promise<Store>;
  close(): Promise<void>;
}

export async function startEngine(engine: Engine): Promise<Engines> {
  const stores: Store[] = [];
  let n = 0;
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hub-contract-'));
    return {
      async fresh() {
        const store = openSqliteStore(join(dir, `hub-${++n}.db`));
        stores.push(store);
        return store;
      },
      async close() {
        for (const store of stores) await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const cluster: PrivatePostgres = await startPostgres();
  return {
    async fresh() {
      const store = await openPgStore(await cluster.createDatabase(`t_${++n}`));
      stores.push(store);
      return store;
    },
    async close() {
      for (const store of stores) await store.close();
      await cluster.stop();
    },
  };
}
