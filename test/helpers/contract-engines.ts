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
  return {
    pgUrl,
    /** A fresh, migrated store on `engine`. */
    async open(engine: Engine): Promise<Store> {
      if (engine === 'pg') return openPgStore(await pgUrl());
      const dir = mkdtempSync(join(tmpdir(), `hub-${name}-`));
      dirs.push(dir);
      return openSqliteStore(join(dir, 'hub.db'));
    },
  };
}
