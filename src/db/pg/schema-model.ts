// What a migrated database holds, read from the engine itself (SQLite's PRAGMAs, PostgreSQL's
// catalogs) into one shape, so the two engines can be compared table by table: the schema
// parity test holds src/db/pg/schema.ts to src/db/schema.ts, and the copy to PostgreSQL refuses
// a source that is not at the same schema.
import type Database from 'better-sqlite3';
import type pg from 'pg';

export interface ColumnModel {
  /** integer | text | real | boolean as the engine declares it, lower case. */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

export interface TableModel {
  columns: Map<string, ColumnModel>;
  primaryKey: string[];
  /** Named indexes (unique constraints included) → "col,col[ unique][ partial]". */
  indexes: Map<string, string>;
}

export type SchemaModel = Map<string, TableModel>;

/**
 * Tables only SQLite has: its own bookkeeping, and quick search's FTS5 trigram indexes (virtual
 * tables, their shadow tables, and search_progress, the watermark of their deferred indexing).
 * On PostgreSQL, pg_trgm GIN indexes on the same columns take their place.
 */
export function isSqliteOnlyTable(name: string): boolean {
  return name.startsWith('sqlite_') || name === '__drizzle_migrations' || /_fts($|_)/.test(name) || name === 'search_progress';
}

/** PostgreSQL-only indexes: quick search's trigram GIN indexes, SQLite's FTS tables' stand-in. */
const isPgOnlyIndex = (method: string) => method === 'gin';

const describeIndex = (columns: string[], unique: boolean, partial: boolean) =>
  `${columns.join(',')}${unique ? ' unique' : ''}${partial ? ' partial' : ''}`;

export function sqliteSchemaModel(sqlite: Database.Database): SchemaModel {
  const model: SchemaModel = new Map();
  const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[];
  for (const table of tables.filter((t) => !isSqliteOnlyTable(t))) {
    const info = sqlite.pragma(`table_info("${table}")`) as { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }[];
    const columns = new Map<string, ColumnModel>();
    for (const c of info) columns.set(c.name, { type: c.type.toLowerCase(), notNull: c.notnull === 1 || c.pk > 0, hasDefault: c.dflt_value !== null });
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const indexes = new Map<string, string>();
    const list = sqlite.pragma(`index_list("${table}")`) as { name: string; unique: number; origin: string; partial: number }[];
    for (const index of list) {
      if (index.origin === 'pk') continue;
      const cols = (sqlite.pragma(`index_info("${index.name}")`) as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      indexes.set(index.name, describeIndex(cols, index.unique === 1, index.partial === 1));
    }
    model.set(table, { columns, primaryKey, indexes });
  }
  return model;
}

export async function pgSchemaModel(client: pg.Pool | pg.PoolClient | pg.Client, schema = 'public'): Promise<SchemaModel> {
  const model: SchemaModel = new Map();
  const { rows: columnRows } = await client.query<{ table: string; column: string; type: string; not_null: boolean; has_default: boolean }>(
    `SELECT c.table_name AS table, c.column_name AS column, c.data_type AS type, c.is_nullable = 'NO' AS not_null,
            (c.column_default IS NOT NULL AND c.is_identity = 'NO') AS has_default
     FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  for (const r of columnRows) {
    let table = model.get(r.table);
    if (!table) model.set(r.table, (table = { columns: new Map(), primaryKey: [], indexes: new Map() }));
    table.columns.set(r.column, { type: r.type, notNull: r.not_null, hasDefault: r.has_default });
  }
  const { rows: indexRows } = await client.query<{ table: string; name: string; unique: boolean; primary: boolean; partial: boolean; method: string; columns: string[] }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            x.indpred IS NOT NULL AS partial, am.amname AS method,
            array(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
     WHERE n.nspname = $1`,
    [schema],
  );
  for (const r of indexRows) {
    const table = model.get(r.table);
    if (!table) continue;
    if (r.primary) table.primaryKey = r.columns;
    else if (!isPgOnlyIndex(r.method)) table.indexes.set(r.name, describeIndex(r.columns, r.unique, r.partial));
  }
  return model;
}

/** SQLite's declared type and PostgreSQL's that hold the same values. */
const COMPATIBLE: Record<string, string[]> = {
  integer: ['bigint', 'integer', 'boolean'],
  text: ['text'],
  real: ['double precision'],
};

/** Every way the two schemas differ, one line each; empty when they match. */
export function schemaDifferences(sqlite: SchemaModel, pg: SchemaModel): string[] {
  const out: string[] = [];
  for (const name of sqlite.keys()) if (!pg.has(name)) out.push(`table ${name}: only in SQLite`);
  for (const name of pg.keys()) if (!sqlite.has(name)) out.push(`table ${name}: only in PostgreSQL`);
  for (const [name, s] of sqlite) {
    const p = pg.get(name);
    if (!p) continue;
    for (const [column, sc] of s.columns) {
      const pc = p.columns.get(column);
      if (!pc) {
        out.push(`column ${name}.${column}: only in SQLite`);
        continue;
      }
      if (!(COMPATIBLE[sc.type] ?? []).includes(pc.type)) out.push(`column ${name}.${column}: SQLite ${sc.type}, PostgreSQL ${pc.type}`);
      if (sc.notNull !== pc.notNull) out.push(`column ${name}.${column}: NOT NULL on ${sc.notNull ? 'SQLite' : 'PostgreSQL'} only`);
      if (sc.hasDefault !== pc.hasDefault) out.push(`column ${name}.${column}: default on ${sc.hasDefault ? 'SQLite' : 'PostgreSQL'} only`);
    }
    for (const column of p.columns.keys()) if (!s.columns.has(column)) out.push(`column ${name}.${column}: only in PostgreSQL`);
    if (s.primaryKey.join(',') !== p.primaryKey.join(',')) out.push(`table ${name}: primary key (${s.primaryKey}) on SQLite, (${p.primaryKey}) on PostgreSQL`);
    for (const [index, shape] of s.indexes) {
      const other = p.indexes.get(index);
      if (other === undefined) out.push(`index ${name}.${index}: only in SQLite`);
      else if (other !== shape) out.push(`index ${name}.${index}: ${shape} on SQLite, ${other} on PostgreSQL`);
    }
    for (const index of p.indexes.keys()) if (!s.indexes.has(index)) out.push(`index ${name}.${index}: only in PostgreSQL`);
  }
  return out;
}
