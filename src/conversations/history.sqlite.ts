// The SQLite history read. All three reads are ranges of `messages_target_time` (target_id,
// send_time, id), run synchronously in one read snapshot on the raw connection.
import { readSnapshot, type Sqlite } from '../db/open.js';
import type { SqliteStore } from '../db/store.js';
import type { HistoryMessage, HistoryRepository } from './history.repository.js';

const DAY_RANGE = `target_id = :targetId AND send_time >= :start AND send_time < :end`;

/** Oldest first; ties on the same millisecond keep the order they were stored in. */
export const HISTORY_PAGE_SQL = `
SELECT id, sender, content_type AS contentType, content, thumb, send_time AS sendTime, status, read_state AS readState
FROM messages INDEXED BY messages_target_time
WHERE ${DAY_RANGE}
ORDER BY send_time ASC, id ASC
LIMIT :limit OFFSET :offset`;

export const HISTORY_SUMMARY_SQL = `
SELECT count(*) AS total, max(send_time) AS lastSendTime
FROM messages INDEXED BY messages_target_time
WHERE ${DAY_RANGE}`;

const prepareAll = (sqlite: Sqlite) => ({ page: sqlite.prepare(HISTORY_PAGE_SQL), summary: sqlite.prepare(HISTORY_SUMMARY_SQL) });

export function createSqliteHistory(store: SqliteStore): HistoryRepository {
  let prepared: ReturnType<typeof prepareAll> | undefined;

  return {
    dayOfTarget(query) {
      return store.exclusive((sqlite) => {
        const { page, summary } = (prepared ??= prepareAll(sqlite));
        return readSnapshot(sqlite, () => {
          const { limit: _limit, offset, ...range } = query;
          const head = summary.get(range) as { total: number; lastSendTime: number | null };
          const items = head.total > offset ? (page.all(query) as HistoryMessage[]) : [];
          return { total: head.total, lastSendTime: head.lastSendTime, items };
        });
      });
    },
  };
}
