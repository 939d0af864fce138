// The private PostgreSQL cluster the PostgreSQL tests start: its own dir, port and socket.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../helpers/pg.js';

describe('private PostgreSQL cluster', () => {
  it('runs from a temp dir on its own port, serves the database, and is gone after stop()', async () => {
    const cluster = await startPostgres('helper_check');
    let stopped = false;
    try {
      expect(cluster.port).not.toBe(5432);
      expect(cluster.url).toBe(`postgres://postgres@127.0.0.1:${cluster.port}/helper_check`);
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      const { rows } = await client.query<{ db: string; data: string; sockets: string; fsync: string }>(
        `SELECT current_database() AS db, current_setting('data_directory') AS data,
                current_setting('unix_socket_directories') AS sockets, current_setting('fsync') AS fsync`,
      );
      await client.end();
      const row = rows[0]!;
      expect(row.db).toBe('helper_check');
      // Data and socket both live in the cluster's own temp dir.
      const dir = row.data.replace(/\/data$/, '');
      expect(row.data).toMatch(/hub-pg-[^/]+\/data$/);
      expect(row.sockets).toBe(dir);
      expect(existsSync(`${dir}/.s.PGSQL.${cluster.port}`)).toBe(true);

      const second = await cluster.createDatabase('second');
      const other = new pg.Client({ connectionString: second });
      await other.connect();
      expect((await other.query('SELECT current_database() AS db')).rows[0].db).toBe('second');
      await other.end();

      await cluster.stop();
      stopped = true;
      expect(existsSync(dir)).toBe(false);
      const late = new pg.Client({ connectionString: cluster.url, connectionTimeoutMillis: 2000 });
      await expect(late.connect()).rejects.toThrow();
    } finally {
      if (!stopped) await cluster.stop();
    }
  });
});
