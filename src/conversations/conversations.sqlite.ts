// The SQLite conversation lists. Every query starts from the seat's own rows of
// `conversations_seat_last` (seat_id, last_send_time [, rowid]) and reaches messages only
// through `messages_target_time`, so the cost follows the seat's conversations, never the size
// of the messages table. Statements are prepared once and each read runs synchronously on the
// raw connection (one `exclusive` call), in one read snapshot where it reads more than once.
import { readSnapshot, type Sqlite } from '../db/open.js';
import type { SqliteStore } from '../db/store.js';
import type { ConversationRow, ConversationsRepository } from './conversations.repository.js';

const COLUMNS = `c.target_id AS targetId, t.name AS targetName, c.account_id AS accountId, t.conv_type AS convType,
  c.unread_count AS unread, c.last_cursor AS cursor`;

/** The whole-history timeline: newest last message first, straight off the index order. */
export const TIMELINE_PAGE_SQL = `
SELECT ${COLUMNS}, c.last_message_id AS lastMessageId, c.last_content AS lastContent,
  c.last_content_type AS lastContentType, c.last_send_time AS lastSendTime
FROM conversations c INDEXED BY conversations_seat_last
JOIN targets t ON t.id = c.target_id
WHERE c.seat_id = :seatId AND c.last_send_time IS NOT NULL
ORDER BY c.last_send_time DESC, c.id DESC
LIMIT :limit OFFSET :offset`;

const TIMELINE_COUNT_SQL = `
SELECT count(*) AS total FROM conversations INDEXED BY conversations_seat_last
WHERE seat_id = :seatId AND last_send_time IS NOT NULL`;

// A conversation with a message on day D has its last message at or after D's start, so the
// index range on last_send_time narrows the candidates; the day's own last message is then one
// probe of messages_target_time per candidate (and drops those silent that day).
const DAY_FROM = `
FROM conversations c INDEXED BY conversations_seat_last
JOIN targets t ON t.id = c.target_id
JOIN messages m ON m.id = (
  SELECT d.id FROM messages d INDEXED BY messages_target_time
  WHERE d.target_id = c.target_id AND d.send_time >= :start AND d.send_time < :end
  ORDER BY d.send_time DESC, d.id DESC LIMIT 1)
WHERE c.seat_id = :seatId AND c.last_send_time >= :start`;

/** Conversations with activity on one day, by that day's last message, newest first. */
export const DAY_PAGE_SQL = `
SELECT ${COLUMNS}, m.id AS lastMessageId, m.content AS lastContent, m.content_type AS lastContentType,
  m.send_time AS lastSendTime
${DAY_FROM}
ORDER BY m.send_time DESC, m.id DESC
LIMIT :limit OFFSET :offset`;

const DAY_COUNT_SQL = `SELECT count(*) AS total ${DAY_FROM}`;

// SQLite sorts NULL below every value, so DESC puts conversations without a message last.
const CONV_TARGETS_SQL = (byAccount: boolean) => `
SELECT ${COLUMNS}, c.last_message_id AS lastMessageId, c.last_content AS lastContent,
  c.last_content_type AS lastContentType, c.last_send_time AS lastSendTime
FROM conversations c INDEXED BY conversations_seat_last
JOIN targets t ON t.id = c.target_id
WHERE c.seat_id = :seatId AND t.conv_type = :convType ${byAccount ? 'AND c.account_id = :accountId' : ''}
ORDER BY c.last_send_time DESC, c.id DESC
LIMIT :limit OFFSET :offset`;

const CONV_TARGETS_COUNT_SQL = (byAccount: boolean) => `
SELECT count(*) AS total
FROM conversations c INDEXED BY conversations_seat_last
JOIN targets t ON t.id = c.target_id
WHERE c.seat_id = :seatId AND t.conv_type = :convType ${byAccount ? 'AND c.account_id = :accountId' : ''}`;

const OWNS_ON_ACCOUNT_SQL = `
SELECT 1 FROM conversations INDEXED BY conversations_seat_last WHERE seat_id = :seatId AND account_id = :accountId LIMIT 1`;

// The hub-wide cursor is the largest activity rowid: one step down the table's b-tree.
const CURRENT_CURSOR_SQL = `SELECT coalesce(max(cursor), 0) AS cursor FROM activity`;
const CURRENT_SEQ_SQL = `SELECT seq FROM seat_streams WHERE seat_id = :seatId`;

/** SQLite's "no limit", for the unpaged day list. */
const ALL = -1;

function prepareAll(sqlite: Sqlite) {
  return {
    timelinePage: sqlite.prepare(TIMELINE_PAGE_SQL),
    timelineCount: sqlite.prepare(TIMELINE_COUNT_SQL),
    dayPage: sqlite.prepare(DAY_PAGE_SQL),
    dayCount: sqlite.prepare(DAY_COUNT_SQL),
    convTargets: [sqlite.prepare(CONV_TARGETS_SQL(false)), sqlite.prepare(CONV_TARGETS_SQL(true))] as const,
    convTargetsCount: [sqlite.prepare(CONV_TARGETS_COUNT_SQL(false)), sqlite.prepare(CONV_TARGETS_COUNT_SQL(true))] as const,
    currentCursor: sqlite.prepare(CURRENT_CURSOR_SQL),
    currentSeq: sqlite.prepare(CURRENT_SEQ_SQL),
    ownsOnAccount: sqlite.prepare(OWNS_ON_ACCOUNT_SQL),
  };
}

const totalOf = (row: unknown) => (row as { total: number }).total;

export function createSqliteConversations(store: SqliteStore): ConversationsRepository {
  let prepared: ReturnType<typeof prepareAll> | undefined;
  // Prepared on first use, on the connection `exclusive` hands over, and kept.
  const run = <T>(work: (q: ReturnType<typeof prepareAll>, sqlite: Sqlite) => T) =>
    store.exclusive((sqlite) => work((prepared ??= prepareAll(sqlite)), sqlite));

  return {
    activeOnDay: (seatId, range) => run((q) => q.dayPage.all({ seatId, ...range, limit: ALL, offset: 0 }) as ConversationRow[]),

    timeline: (seatId, page, range) =>
      run((q, sqlite) =>
        readSnapshot(sqlite, () => {
          const cursor = (q.currentCursor.get() as { cursor: number }).cursor;
          const seq = (q.currentSeq.get({ seatId }) as { seq: number } | undefined)?.seq ?? 0;
          if (range) {
            const rows = q.dayPage.all({ seatId, ...range, ...page }) as ConversationRow[];
            return { cursor, seq, rows, total: totalOf(q.dayCount.get({ seatId, ...range })) };
          }
          const rows = q.timelinePage.all({ seatId, ...page }) as ConversationRow[];
          return { cursor, seq, rows, total: totalOf(q.timelineCount.get({ seatId })) };
        }),
      ),

    ownsConversationOn: (seatId, accountId) => run((q) => q.ownsOnAccount.get({ seatId, accountId }) !== undefined),

    targetsOfType: (seatId, convType, accountId, page) =>
      run((q, sqlite) => {
        const i = accountId === undefined ? 0 : 1;
        const params = { seatId, convType, ...(accountId === undefined ? {} : { accountId }) };
        return readSnapshot(sqlite, () => ({
          rows: q.convTargets[i].all({ ...params, ...page }) as ConversationRow[],
          total: totalOf(q.convTargetsCount[i].get(params)),
        }));
      }),
  };
}
