// Which engine this test run is on: SQLite by default, PostgreSQL with HUB_TEST_ENGINE=pg (the
// cluster comes from ./pg-global.ts). A hub gets its own database on either.
import pg from 'pg';
import { inject } from 'vitest';
import { TEMPLATE_DATABASE } from './pg-global.js';

export type Engine = 'sqlite' | 'pg';

export const testEngine: Engine = process.env.HUB_TEST_ENGINE === 'pg' ? 'pg' : 'sqlite';

let created = 0;

/** A fresh database cloned from the migrated template: its URL. */
export async function freshPgDatabase(): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) throw new Error('HUB_TEST_ENGINE=pg needs the cluster of test/helpers/pg-global.ts');
  const name = `hub_${process.pid}_${++created}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Two workers copying the template at the same instant may be told it is busy: try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  } finally {
    await client.end();
  }
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

/** Drops a database made by freshPgDatabase once its hubs are closed. */
export async function dropPgDatabase(url: string): Promise<void> {
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) return;
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
