// The PostgreSQL conversation lists. Each read is one statement (one snapshot under READ
// COMMITTED): the page is a CTE left-joined to one head row that carries the total, the hub
// cursor and the seat's seq, so an empty page still answers them. Statements are named, so each
// pooled connection parses and plans them once. Orderings match SQLite's, NULL placement
// spelled out (PostgreSQL's DESC puts NULLs first, SQLite's last).
import type { PgStore } from '../db/store.js';
import type { ConversationRow, ConversationsRepository } from './conversations.repository.js';

const COLUMNS = `c.target_id AS "targetId", t.name AS "targetName", c.account_id AS "accountId", t.conv_type AS "convType",
  c.unread_count AS unread, c.last_cursor AS cursor`;
const LAST_OF_CONVERSATION = `c.last_message_id AS "lastMessageId", c.last_content AS "lastContent",
  c.last_content_type AS "lastContentType", c.last_send_time AS "lastSendTime"`;

// The page's own order key travels as "orderKey" so the outer join can keep that order. No
// NULL passes the filter, so NULLS FIRST changes no answer: it is the order of a backward scan
// of conversations_seat_last, which the planner can then follow instead of sorting every row.
const TIMELINE_SQL = `
WITH page AS (
  SELECT ${COLUMNS}, ${LAST_OF_CONVERSATION}, c.id AS "orderKey"
  FROM conversations c JOIN targets t ON t.id = c.target_id
  WHERE c.seat_id = $1 AND c.last_send_time IS NOT NULL
  ORDER BY c.last_send_time DESC NULLS FIRST, c.id DESC
  LIMIT $2 OFFSET $3)
SELECT (SELECT coalesce(max(cursor), 0) FROM activity) AS "headCursor",
  coalesce((SELECT seq FROM seat_streams WHERE seat_id = $1), 0) AS "headSeq",
  (SELECT count(*) FROM conversations WHERE seat_id = $1 AND last_send_time IS NOT NULL) AS "headTotal",
  page.*
FROM (VALUES (1)) AS head (one) LEFT JOIN page ON true
ORDER BY page."lastSendTime" DESC NULLS LAST, page."orderKey" DESC NULLS LAST`;

// The day's last message of each candidate: one backward probe of messages_target_time.
const DAY_SQL = `
WITH page AS (
  SELECT ${COLUMNS}, m.id AS "lastMessageId", m.content AS "lastContent", m.content_type AS "lastContentType",
    m.send_time AS "lastSendTime", m.id AS "orderKey"
  FROM conversations c JOIN targets t ON t.id = c.target_id
  CROSS JOIN LATERAL (
    SELECT d.id, d.content, d.content_type, d.send_time FROM messages d
    WHERE d.target_id = c.target_id AND d.send_time >= $2 AND d.send_time < $3
    ORDER BY d.send_time DESC, d.id DESC LIMIT 1) m
  WHERE c.seat_id = $1 AND c.last_send_time >= $2
  ORDER BY m.send_time DESC, m.id DESC
  LIMIT $4 OFFSET $5)
SELECT (SELECT coalesce(max(cursor), 0) FROM activity) AS "headCursor",
  coalesce((SELECT seq FROM seat_streams WHERE seat_id = $1), 0) AS "headSeq",
  (SELECT count(*) FROM conversations c WHERE c.seat_id = $1 AND c.last_send_time >= $2 AND EXISTS (
    SELECT 1 FROM messages d WHERE d.target_id = c.target_id AND d.send_time >= $2 AND d.send_time < $3)) AS "headTotal",
  page.*
FROM (VALUES (1)) AS head (one) LEFT JOIN page ON true
ORDER BY page."lastSendTime" DESC NULLS LAST, page."orderKey" DESC NULLS LAST`;

const TARGETS_OF_TYPE_SQL = (byAccount: boolean) => `
WITH matching AS (
  SELECT ${COLUMNS}, ${LAST_OF_CONVERSATION}, c.id AS "orderKey"
  FROM conversations c JOIN targets t ON t.id = c.target_id
  WHERE c.seat_id = $1 AND t.conv_type = $2 ${byAccount ? 'AND c.account_id = $5' : ''}),
page AS (SELECT * FROM matching ORDER BY "lastSendTime" DESC NULLS LAST, "orderKey" DESC LIMIT $3 OFFSET $4)
SELECT 0 AS "headCursor", 0 AS "headSeq", (SELECT count(*) FROM matching) AS "headTotal", page.*
FROM (VALUES (1)) AS head (one) LEFT JOIN page ON true
ORDER BY page."lastSendTime" DESC NULLS LAST, page."orderKey" DESC NULLS LAST`;

const OWNS_ON_ACCOUNT_SQL = `SELECT 1 AS one FROM conversations WHERE seat_id = $1 AND account_id = $2 LIMIT 1`;

type HeadedRow = { headCursor: number; headSeq: number; headTotal: number; orderKey: number | null } & (ConversationRow | { [K in keyof ConversationRow]: null });

function split(rows: HeadedRow[]) {
  const head = rows[0]!;
  const page: ConversationRow[] = [];
  for (const { headCursor: _c, headSeq: _s, headTotal: _t, orderKey, ...row } of rows) {
    if (orderKey !== null) page.push(row as ConversationRow);
  }
  return { cursor: head.headCursor, seq: head.headSeq, total: head.headTotal, rows: page };
}

export function createPgConversations(store: PgStore): ConversationsRepository {
  const query = async <T>(name: string, text: string, values: unknown[]): Promise<T[]> =>
    (await store.pool.query({ name, text, values })).rows as T[];

  return {
    async activeOnDay(seatId, range) {
      // LIMIT NULL: the whole day.
      return split(await query<HeadedRow>('conversations_day', DAY_SQL, [seatId, range.start, range.end, null, 0])).rows;
    },

    async timeline(seatId, page, range) {
      const rows = range
        ? await query<HeadedRow>('conversations_day', DAY_SQL, [seatId, range.start, range.end, page.limit, page.offset])
        : await query<HeadedRow>('conversations_timeline', TIMELINE_SQL, [seatId, page.limit, page.offset]);
      return split(rows);
    },

    async ownsConversationOn(seatId, accountId) {
      return (await query('conversations_owns_on_account', OWNS_ON_ACCOUNT_SQL, [seatId, accountId])).length > 0;
    },

    async targetsOfType(seatId, convType, accountId, page) {
      const rows =
        accountId === undefined
          ? await query<HeadedRow>('conversations_of_type', TARGETS_OF_TYPE_SQL(false), [seatId, convType, page.limit, page.offset])
          : await query<HeadedRow>('conversations_of_type_on_account', TARGETS_OF_TYPE_SQL(true), [seatId, convType, page.limit, page.offset, accountId]);
      const { rows: found, total } = split(rows);
      return { rows: found, total };
    },
  };
}
