// Copies a SQLite hub database into PostgreSQL: every table, every row, ids kept.
//   npm run migrate-to-pg -- --from data/hub.db --to postgres://user@host/hub [--force]
// The target is migrated first (drizzle/pg), must be empty unless --force (which empties it),
// and receives everything in one transaction: a failed copy leaves it as it was. The source is
// read from one snapshot, so a hub still running on it does not tear the copy; stop the hub
// before the switch so no write lands after the snapshot.
import Database from 'better-sqlite3';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { applyPgMigrations } from '../src/db/pg/migrate.js';
import { pgSchemaModel, schemaDifferences, sqliteSchemaModel } from '../src/db/pg/schema-model.js';

export interface MigrateToPgOptions {
  from: string;
  to: string;
  /** Empty a non-empty target instead of refusing it. */
  force?: boolean;
  /** Rows per INSERT statement (bounded further by PostgreSQL's 65535 parameters). */
  batchSize?: number;
}

export interface TableCount {
  table: string;
  rows: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Tables in an order where each comes after the tables its foreign keys point to. */
async function tablesInDependencyOrder(client: pg.PoolClient, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public' AND c.oid <> p.oid`,
  );
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table)) return;
    if (visiting.has(table)) throw new Error(`foreign key cycle through ${table}`);
    visiting.add(table);
    for (const r of rows) if (r.child === table) visit(r.parent);
    visiting.delete(table);
    ordered.push(table);
  };
  [...tables].sort().forEach(visit);
  return ordered;
}

export async function migrateToPg(options: MigrateToPgOptions): Promise<TableCount[]> {
  const source = new Database(options.from, { readonly: true, fileMustExist: true });
  const pool = new pg.Pool({ connectionString: options.to, max: 1 });
  try {
    source.pragma('busy_timeout = 5000');
    await applyPgMigrations(pool);
    const sqliteModel = sqliteSchemaModel(source);
    const differences = schemaDifferences(sqliteModel, await pgSchemaModel(pool));
    if (differences.length > 0) {
      throw new Error(
        `the SQLite database is not at this version's schema (start this version of the hub on it once to migrate it):\n  ${differences.join('\n  ')}`,
      );
    }
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const tables = await tablesInDependencyOrder(client, [...sqliteModel.keys()]);
      const occupied: string[] = [];
      for (const table of tables) {
        const { rows } = await client.query(`SELECT 1 FROM ${quote(table)} LIMIT 1`);
        if (rows.length > 0) occupied.push(table);
      }
      if (occupied.length > 0) {
        if (!options.force) throw new Error(`the target database is not empty (${occupied.join(', ')}); --force empties it first`);
        await client.query(`TRUNCATE ${tables.map(quote).join(', ')} RESTART IDENTITY`);
      }
      // One read transaction: every table comes from the same snapshot of the source.
      source.exec('BEGIN');
      try {
        const counts: TableCount[] = [];
        for (const table of tables) counts.push({ table, rows: await copyTable(source, client, table, sqliteModel.get(table)!.columns, options.batchSize) });
        await resetIdentities(source, client);
        source.exec('COMMIT');
        await client.query('COMMIT');
        return counts;
      } catch (error) {
        if (source.inTransaction) source.exec('ROLLBACK');
        throw error;
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
    source.close();
  }
}

async function copyTable(
  source: Database.Database,
  client: pg.PoolClient,
  table: string,
  columnModels: Map<string, { type: string }>,
  batchSize = 500,
): Promise<number> {
  const { rows: pgColumns } = await client.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  const columns = [...columnModels.keys()];
  const booleans = new Set(pgColumns.filter((c) => c.type === 'boolean').map((c) => c.name));
  const perStatement = Math.max(1, Math.min(batchSize, Math.floor(65535 / columns.length)));
  // Keyset pages by rowid (every hub table has one); integers as BigInt so no 64-bit value rounds.
  const page = source
    .prepare(`SELECT rowid AS "__rowid", ${columns.map(quote).join(', ')} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`)
    .safeIntegers(true);
  const conversions = columns.map((c) => (booleans.has(c) ? (v: unknown) => (v === null ? null : Number(v) !== 0) : (v: unknown) => v));
  let after = -(2n ** 63n);
  let copied = 0;
  for (;;) {
    const rows = page.all(after, perStatement) as Record<string, unknown>[];
    if (rows.length === 0) break;
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      const placeholders = columns.map((column, i) => {
        values.push(conversions[i]!(row[column]));
        return `$${values.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await client.query(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${tuples.join(', ')}`, values);
    copied += rows.length;
    after = rows[rows.length - 1]!.__rowid as bigint;
  }
  const { rows: count } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table)}`);
  if (Number(count[0]!.n) !== copied) throw new Error(`${table}: copied ${copied} rows but the target holds ${count[0]!.n}`);
  return copied;
}

/**
 * Moves every identity past the ids the source has used: its largest id, or SQLite's
 * AUTOINCREMENT high-water mark when rows at the end were deleted, so no id is ever reused.
 */
async function resetIdentities(source: Database.Database, client: pg.PoolClient): Promise<void> {
  const highWater = new Map<string, bigint>();
  const hasSequence = source.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get() !== undefined;
  if (hasSequence) {
    for (const r of source.prepare('SELECT name, seq FROM sqlite_sequence').safeIntegers(true).all() as { name: string; seq: bigint }[]) highWater.set(r.name, r.seq);
  }
  const { rows } = await client.query<{ table: string; column: string }>(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`,
  );
  for (const { table, column } of rows) {
    const { rows: max } = await client.query<{ max: string | null }>(`SELECT max(${quote(column)})::text AS max FROM ${quote(table)}`);
    const used = [BigInt(max[0]!.max ?? 0), highWater.get(table) ?? 0n].reduce((a, b) => (a > b ? a : b));
    if (used > 0n) await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3::bigint, true)`, [quote(table), column, used.toString()]);
  }
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run migrate-to-pg -- --from <hub.db> --to postgres://… [--force]\n`);
  process.exit(2);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let parsed;
  try {
    parsed = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean', default: false } } });
  } catch (error) {
    usage((error as Error).message);
  }
  const { from, to, force } = parsed.values;
  if (!from) usage('--from is required');
  if (!to || !/^postgres(ql)?:\/\//.test(to)) usage('--to must be a postgres:// connection string');
  migrateToPg({ from, to, force }).then(
    (counts) => {
      const width = Math.max(...counts.map((c) => c.table.length));
      for (const { table, rows } of counts) process.stdout.write(`${table.padEnd(width)}  ${rows}\n`);
      process.stdout.write(`${'total'.padEnd(width)}  ${counts.reduce((sum, c) => sum + c.rows, 0)}\n`);
    },
    (error: Error) => {
      process.stderr.write(`migrate-to-pg failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
