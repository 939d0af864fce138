// One target's messages on one day (retrievePastRecords). All three reads are ranges of
// `messages_target_time` (target_id, send_time, id): the page, its count and the day's last time.
import { readSnapshot, type Sqlite } from '../db/open.js';
import type { MessageStatus } from '../db/schema.js';

export interface HistoryMessage {
  id: number;
  sender: 0 | 1;
  contentType: string;
  content: string;
  thumb: string | null;
  sendTime: number;
  status: MessageStatus;
  readState: number;
}

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

export interface HistoryQuery {
  targetId: number;
  start: number;
  end: number;
  limit: number;
  offset: number;
}

export function createHistoryRepository(sqlite: Sqlite) {
  const page = sqlite.prepare(HISTORY_PAGE_SQL);
  const summary = sqlite.prepare(HISTORY_SUMMARY_SQL);

  return {
    /** A page of the day's messages with the day's total and last send time, from one snapshot. */
    dayOfTarget(query: HistoryQuery) {
      return readSnapshot(sqlite, () => {
        const { limit: _limit, offset, ...range } = query;
        const head = summary.get(range) as { total: number; lastSendTime: number | null };
        const items = head.total > offset ? (page.all(query) as HistoryMessage[]) : [];
        return { total: head.total, lastSendTime: head.lastSendTime, items };
      });
    },
  };
}

export type HistoryRepository = ReturnType<typeof createHistoryRepository>;
