// A seat's conversations: the day list, the timeline and the targets of one conversation type.
// Every query starts from the seat's own rows of `conversations_seat_last` (seat_id,
// last_send_time [, rowid]) and reaches messages only through `messages_target_time`, so the
// cost follows the seat's conversations, never the size of the messages table.
import type { ConvType } from '../db/schema.js';
import { readSnapshot, type Sqlite } from '../db/open.js';

export interface ConversationRow {
  targetId: number;
  targetName: string;
  accountId: number;
  convType: ConvType;
  lastMessageId: number | null;
  lastContent: string | null;
  lastContentType: string | null;
  lastSendTime: number | null;
  unread: number;
  cursor: number;
}

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

export interface Page {
  limit: number;
  offset: number;
}

export function createConversationsRepository(sqlite: Sqlite) {
  const timelinePage = sqlite.prepare(TIMELINE_PAGE_SQL);
  const timelineCount = sqlite.prepare(TIMELINE_COUNT_SQL);
  const dayPage = sqlite.prepare(DAY_PAGE_SQL);
  const dayCount = sqlite.prepare(DAY_COUNT_SQL);
  const convTargets = [sqlite.prepare(CONV_TARGETS_SQL(false)), sqlite.prepare(CONV_TARGETS_SQL(true))] as const;
  const convTargetsCount = [sqlite.prepare(CONV_TARGETS_COUNT_SQL(false)), sqlite.prepare(CONV_TARGETS_COUNT_SQL(true))] as const;
  const currentCursor = sqlite.prepare(CURRENT_CURSOR_SQL);
  const currentSeq = sqlite.prepare(CURRENT_SEQ_SQL);
  const ownsOnAccount = sqlite.prepare(OWNS_ON_ACCOUNT_SQL);

  const totalOf = (row: unknown) => (row as { total: number }).total;

  return {
    /** Every conversation of `seatId` with a message in `[start, end)`. */
    activeOnDay(seatId: number, range: { start: number; end: number }): ConversationRow[] {
      return dayPage.all({ seatId, ...range, limit: ALL, offset: 0 }) as ConversationRow[];
    },

    /**
     * A timeline page, the hub cursor and the seat's stream seq, read in one snapshot: a client
     * that resumes from either with timelineAlerts gets exactly what happened after the rows it
     * was shown.
     */
    timeline(seatId: number, page: Page, range?: { start: number; end: number }) {
      return readSnapshot(sqlite, () => {
        const cursor = (currentCursor.get() as { cursor: number }).cursor;
        const seq = (currentSeq.get({ seatId }) as { seq: number } | undefined)?.seq ?? 0;
        if (range) {
          const rows = dayPage.all({ seatId, ...range, ...page }) as ConversationRow[];
          return { cursor, seq, rows, total: totalOf(dayCount.get({ seatId, ...range })) };
        }
        const rows = timelinePage.all({ seatId, ...page }) as ConversationRow[];
        return { cursor, seq, rows, total: totalOf(timelineCount.get({ seatId })) };
      });
    },

    /** Does `seatId` own a conversation on `accountId` (e.g. one transferred to it)? */
    ownsConversationOn(seatId: number, accountId: number): boolean {
      return ownsOnAccount.get({ seatId, accountId }) !== undefined;
    },

    /** The seat's targets of one conversation type, optionally on one account, newest first. */
    targetsOfType(seatId: number, convType: ConvType, accountId: number | undefined, page: Page) {
      const i = accountId === undefined ? 0 : 1;
      const params = { seatId, convType, ...(accountId === undefined ? {} : { accountId }) };
      return readSnapshot(sqlite, () => ({
        rows: convTargets[i].all({ ...params, ...page }) as ConversationRow[],
        total: totalOf(convTargetsCount[i].get(params)),
      }));
    },
  };
}

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;
