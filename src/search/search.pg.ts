// PostgreSQL quick search: `ILIKE '%keyword%'`, served by the pg_trgm GIN indexes on
// targets.name, targets.platform_uid and messages.content (see the header of db/pg/schema.ts).
// Nothing to index first: the GIN indexes follow every insert. Same scopes, limits and order
// as SQLite's FTS5 queries (ids newest first), so both engines answer the same hits.
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { PgStore } from '../db/store.js';
import {
  likePattern,
  MESSAGE_LIMIT,
  SHORT_MESSAGE_CONVERSATIONS,
  SHORT_TARGET_WINDOW,
  searchWith,
  TARGET_LIMIT,
  type MessageHit,
  type SearchRepository,
  type TargetHit,
  type VisibleScope,
} from './search.rules.js';

// store.rows() goes through drizzle's execute, which reads int8 (ids, times, counts) as
// strings; the pool's own parsers read them as numbers, as SQLite does.
const dialect = new PgDialect();
async function rowsOf<T>(store: PgStore, query: SQL): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (await store.pool.query(text, params)).rows as T[];
}

/** The seats whose conversations a scope covers, as a condition on `c.seat_id`. */
function scopeCondition(scope: VisibleScope): SQL {
  switch (scope.kind) {
    case 'seat':
      return sql`c.seat_id = ${scope.seatId}`;
    case 'branch':
      return sql`c.seat_id IN (SELECT u.id FROM users u WHERE u.branch_id = ${scope.branchId} AND u.role = 'seat')`;
    case 'all':
      return sql`true`;
  }
}

const TARGET_COLUMNS = sql`t.id AS "targetId", t.name AS "targetName", t.account_id AS "accountId", t.conv_type AS "convType"`;
const MESSAGE_COLUMNS = sql`m.id AS "msgId", m.target_id AS "targetId", t.name AS "targetName", m.content,
  m.content_type AS "contentType", m.sender, m.send_time AS "sendTime"`;

export function createPgSearch(store: PgStore): SearchRepository {
  return searchWith({
    async fullText(scope, keyword) {
      const inScope = scopeCondition(scope);
      const like = likePattern(keyword);
      const [targets, messages] = await Promise.all([
        rowsOf<TargetHit>(store, sql`
          SELECT ${TARGET_COLUMNS} FROM targets t JOIN conversations c ON c.target_id = t.id
          WHERE (t.name ILIKE ${like} ESCAPE '\\' OR t.platform_uid ILIKE ${like} ESCAPE '\\') AND ${inScope}
          ORDER BY t.id DESC LIMIT ${TARGET_LIMIT}`),
        rowsOf<MessageHit>(store, sql`
          SELECT ${MESSAGE_COLUMNS} FROM messages m
          JOIN conversations c ON c.target_id = m.target_id JOIN targets t ON t.id = m.target_id
          WHERE m.content ILIKE ${like} ESCAPE '\\' AND m.status <> 'recalled' AND ${inScope}
          ORDER BY m.id DESC LIMIT ${MESSAGE_LIMIT}`),
      ]);
      return { targets, messages };
    },

    async short(scope, like, recent) {
      const [targets, messages] = await Promise.all([
        rowsOf<TargetHit>(store, sql`
          SELECT ${TARGET_COLUMNS}
          FROM (SELECT c.target_id FROM conversations c WHERE ${scopeCondition(scope)} ORDER BY c.id DESC LIMIT ${SHORT_TARGET_WINDOW}) v
          JOIN targets t ON t.id = v.target_id
          WHERE t.name ILIKE ${like} ESCAPE '\\' OR t.platform_uid ILIKE ${like} ESCAPE '\\'
          ORDER BY t.id DESC LIMIT ${TARGET_LIMIT}`),
        recent
          ? rowsOf<MessageHit>(store, sql`
              SELECT ${MESSAGE_COLUMNS}
              FROM (SELECT c.target_id FROM conversations c WHERE c.seat_id = ${recent.seatId} AND c.last_send_time >= ${recent.since}
                    ORDER BY c.last_send_time DESC, c.id DESC LIMIT ${SHORT_MESSAGE_CONVERSATIONS}) v
              JOIN messages m ON m.target_id = v.target_id AND m.send_time >= ${recent.since}
              JOIN targets t ON t.id = v.target_id
              WHERE m.status <> 'recalled' AND m.content ILIKE ${like} ESCAPE '\\'
              ORDER BY m.send_time DESC, m.id DESC LIMIT ${MESSAGE_LIMIT}`)
          : Promise.resolve([]),
      ]);
      return { targets, messages };
    },
  });
}
