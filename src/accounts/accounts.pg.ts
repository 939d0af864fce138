// The PostgreSQL accounts read: the same scopes and order as SQLite's, in plain SQL.
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PgStore } from '../db/store.js';
import type { AccountRow, AccountsRepository } from './accounts.repository.js';

// store.rows() goes through drizzle's execute, which reads int8 (ids, times, counts) as
// strings; the pool's own parsers read them as numbers, as SQLite does.
const dialect = new PgDialect();
async function rowsOf<T>(store: PgStore, query: SQL): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (await store.pool.query(text, params)).rows as T[];
}

// sum() of an integer column is bigint here: read as a JS number like every int8.
const select = (where: SQL) => sql`
SELECT a.id AS "accountId", a.phone, a.platform, a.status, a.status_reason AS "statusReason", a.seat_id AS "seatId",
  coalesce((SELECT sum(c.unread_count) FROM conversations c WHERE c.account_id = a.id AND c.seat_id = a.seat_id), 0) AS unread
FROM accounts a WHERE ${where} ORDER BY a.id`;

export function createPgAccounts(store: PgStore): AccountsRepository {
  return {
    async visibleAccounts(scope) {
      switch (scope.kind) {
        case 'seat':
          return rowsOf<AccountRow>(store, select(sql`a.seat_id = ${scope.seatId}`));
        case 'branch':
          return rowsOf<AccountRow>(store, select(sql`a.seat_id IN (SELECT u.id FROM users u WHERE u.branch_id = ${scope.branchId} AND u.role = 'seat')`));
        case 'all':
          return rowsOf<AccountRow>(store, select(sql`a.seat_id IS NOT NULL`));
        case 'none':
          return [];
      }
    },
  };
}
