// The PostgreSQL history read: the page left-joined to the day's summary in one statement (one
// snapshot, one round trip), both ranges of messages_target_time (target_id, send_time, id).
// Named, so each pooled connection parses and plans it once.
import type { PgStore } from '../db/store.js';
import type { HistoryMessage, HistoryRepository } from './history.repository.js';

const DAY_RANGE = `target_id = $1 AND send_time >= $2 AND send_time < $3`;

export const HISTORY_SQL = `
WITH summary AS (
  SELECT count(*) AS total, max(send_time) AS "lastSendTime" FROM messages WHERE ${DAY_RANGE}),
page AS (
  SELECT id, sender, content_type AS "contentType", content, thumb, send_time AS "sendTime", status, read_state AS "readState"
  FROM messages WHERE ${DAY_RANGE}
  ORDER BY send_time ASC, id ASC
  LIMIT $4 OFFSET $5)
SELECT summary.total AS "headTotal", summary."lastSendTime" AS "headLast", page.*
FROM summary LEFT JOIN page ON true
ORDER BY page."sendTime" ASC NULLS LAST, page.id ASC NULLS LAST`;

type Row = { headTotal: number; headLast: number | null } & (HistoryMessage | { [K in keyof HistoryMessage]: null });

export function createPgHistory(store: PgStore): HistoryRepository {
  return {
    async dayOfTarget(query) {
      const { rows } = await store.pool.query({
        name: 'history_day_of_target',
        text: HISTORY_SQL,
        values: [query.targetId, query.start, query.end, query.limit, query.offset],
      });
      const head = rows[0] as Row;
      const items: HistoryMessage[] = [];
      for (const { headTotal: _t, headLast: _l, ...message } of rows as Row[]) {
        if (message.id !== null) items.push(message as HistoryMessage);
      }
      return { total: head.headTotal, lastSendTime: head.headLast, items };
    },
  };
}
