// The PostgreSQL side of the bench: one private cluster for the whole run (initdb + pg_ctl in a
// temp dir, as the tests make theirs), a fresh database per scenario, and the database made
// ready the way a first hub start makes it (migrated and seeded) before the ceiling reads it.
import { startPostgres, type PrivatePostgres } from '../../../test/helpers/pg.js';
import { startHub, type Server } from './procs.js';

export type Engine = 'sqlite' | 'pg';

let cluster: PrivatePostgres | undefined;
let made = 0;

/** An empty database on the run's cluster (started on first use). */
export async function benchDatabase(): Promise<string> {
  cluster ??= await startPostgres('bench');
  return cluster.createDatabase(`bench_${++made}`);
}

/** A database the hub has migrated and seeded with the demo organisation, as a first start does. */
export async function seededBenchDatabase(dir: string): Promise<string> {
  const url = await benchDatabase();
  const hub: Server = await startHub({ dir, env: { DATABASE_URL: url } });
  await hub.stop();
  return url;
}

export async function stopBenchPostgres(): Promise<void> {
  await cluster?.stop();
  cluster = undefined;
}

/** Scenario names carry the engine when it is not the default: `history@pg`. */
export const named = (scenario: string, engine: Engine) => (engine === 'sqlite' ? scenario : `${scenario}@${engine}`);
