// vitest globalSetup: with HUB_TEST_ENGINE=pg, one private PostgreSQL cluster serves the whole
// run. A migrated template database is made once; every hub a test starts gets its own copy
// (CREATE DATABASE … TEMPLATE, a file copy), so hubs stay as isolated as their SQLite files.
import type { TestProject } from 'vitest/node';
import { applyPgMigrations } from '../../src/db/pg/migrate.js';
import { startPostgres, type PrivatePostgres } from './pg.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://…/postgres of the run's cluster, when the run is on PostgreSQL. */
    pgAdminUrl: string | undefined;
  }
}

export const TEMPLATE_DATABASE = 'hub_template';

let cluster: PrivatePostgres | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.HUB_TEST_ENGINE !== 'pg') {
    project.provide('pgAdminUrl', undefined);
    return async () => undefined;
  }
  cluster = await startPostgres(TEMPLATE_DATABASE);
  await applyPgMigrations(cluster.url);
  project.provide('pgAdminUrl', cluster.url.replace(new RegExp(`/${TEMPLATE_DATABASE}$`), '/postgres'));
  return async () => {
    await cluster?.stop();
  };
}
