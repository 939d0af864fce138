// The PostgreSQL schema (drizzle/pg, from src/db/pg/schema.ts) has every table, column, primary
// key, index and unique constraint the SQLite migrations create, with types holding the same
// values. Quick search is the documented exception: FTS5 tables on SQLite, GIN trigram indexes
// on PostgreSQL.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type Database_ } from '../../src/db/open.js';
import { applyPgMigrations } from '../../src/db/pg/migrate.js';
import { pgSchemaModel, schemaDifferences, sqliteSchemaModel } from '../../src/db/pg/schema-model.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';

let cluster: PrivatePostgres;
let pool: pg.Pool;
let sqlite: Database_;

beforeAll(async () => {
  cluster = await startPostgres();
  pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
  await applyPgMigrations(pool);
  sqlite = openDatabase(':memory:');
  applyMigrations(sqlite.db);
});

afterAll(async () => {
  sqlite?.close();
  await pool?.end();
  await cluster?.stop();
});

describe('PostgreSQL schema parity with SQLite', () => {
  it('has every SQLite table, column, key and index, and nothing else', async () => {
    const sqliteModel = sqliteSchemaModel(sqlite.sqlite);
    const pgModel = await pgSchemaModel(pool);
    expect(schemaDifferences(sqliteModel, pgModel)).toEqual([]);
    // The comparison covers the whole schema, not an empty corner of it.
    expect(sqliteModel.size).toBeGreaterThanOrEqual(24);
    expect([...sqliteModel.keys()]).toEqual(expect.arrayContaining(['messages', 'activity', 'dashboard_hours', 'group_pull_members']));
    expect(sqliteModel.get('messages')!.indexes.get('messages_seat_client_msg')).toBe('sent_by_seat_id,client_msg_id unique partial');
  });

  it('indexes quick search text with pg_trgm where SQLite has FTS5 trigram tables', async () => {
    const { rows } = await pool.query<{ table: string; def: string }>(
      `SELECT tablename AS table, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY 1, 2`,
    );
    expect(rows.map((r) => `${r.table}: ${/\((\w+) gin_trgm_ops\)/.exec(r.def)?.[1]}`)).toEqual(['messages: content', 'targets: name', 'targets: platform_uid']);
    const explained = await pool.query(`SET enable_seqscan = off; EXPLAIN SELECT id FROM messages WHERE content ILIKE '%价格多%'`);
    const plan = (explained as unknown as pg.QueryResult[])[1]!.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('messages_content_trgm');
  });

  it('reports a column, table or index that one side lacks', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('ALTER TABLE branches ADD COLUMN region text');
      await client.query('ALTER TABLE messages DROP COLUMN thumb');
      await client.query('DROP INDEX messages_target_time');
      await client.query('CREATE TABLE pg_extra (id bigint PRIMARY KEY)');
      const changed = await pgSchemaModel(client);
      await client.query('ROLLBACK');
      expect(schemaDifferences(sqliteSchemaModel(sqlite.sqlite), changed)).toEqual([
        'table pg_extra: only in PostgreSQL',
        'column branches.region: only in PostgreSQL',
        'column messages.thumb: only in SQLite',
        'index messages.messages_target_time: only in SQLite',
      ]);
    } finally {
      client.release();
    }
    const other = openDatabase(':memory:');
    try {
      applyMigrations(other.db);
      other.sqlite.exec('ALTER TABLE users ADD COLUMN nickname text; CREATE TABLE local_extra (id integer PRIMARY KEY)');
      expect(schemaDifferences(sqliteSchemaModel(other.sqlite), await pgSchemaModel(pool))).toEqual([
        'table local_extra: only in SQLite',
        'column users.nickname: only in SQLite',
      ]);
    } finally {
      other.close();
    }
  });
});
