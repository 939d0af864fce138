// Stores for a contract file that runs over both engines: a SQLite file in its own temp dir, or
// a fresh database on the file's private PostgreSQL cluster (started on first use). The dirs
// and the cluster go after the file's tests; the stores are closed by the tests that open them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openPgStore } from '../../src/db/pg-store.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import type { Store } from '../../src/db/store.js';
import { startPostgres, type PrivatePostgres } from './pg.js';

export const ENGINES = ['sqlite', 'pg'] as const;
export type Engine = (typeof ENGINES)[number];

export function contractStores(name: string) {
  let cluster: Promise<PrivatePostgres> | undefined;
  let made = 0;
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    if (cluster) await (await cluster).stop();
  });
  /** A fresh, empty PostgreSQL database on the file's cluster. */
  const pgUrl = async (): Promise<string> => {
    cluster ??= startPostgres();
    return (await cluster).createDatabase(`t_${name}_${++made}`);
  };
  /** A fresh, migrated database on `engine`: each `open()` answers another store on it. */
  const database = async (engine: Engine): Promise<{ open(): Promise<Store> }> => {
    if (engine === 'pg') {
      const url = await pgUrl();
      return { open: () => openPgStore(url) };
    }
    const dir = mkdtempSync(join(tmpdir(), `hub-${name}-`));
    dirs.push(dir);
    const path = join(dir, 'hub.db');
    return { open: async () => openSqliteStore(path) };
  };
  return {
    pgUrl,
    database,
    /** A fresh, migrated store on `engine`. */
    async open(engine: Engine): Promise<Store> {
      return (await database(engine)).open();
    },
  };
}
