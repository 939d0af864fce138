// Quick search (快捷搜索) over targets and message text, within what the caller may see.
// Keywords of three or more characters go through the FTS5 trigram indexes (migration
// 0001_search_fts); shorter ones have no trigram, so they fall back to a LIKE over a bounded
// set of the caller's own rows. This file and that migration are the only SQLite-specific
// search code.
import type { SeatScope } from '../access/access.js';
import type { Sqlite } from '../db/open.js';
import type { ConvType } from '../db/schema.js';
import type { MessageIndexer } from './message-index.repository.js';

export interface TargetHit {
  targetId: number;
  targetName: string;
  accountId: number;
  convType: ConvType;
}

export interface MessageHit {
  msgId: number;
  targetId: number;
  targetName: string;
  content: string;
  contentType: string;
  sender: 0 | 1;
  sendTime: number;
}

export const TARGET_LIMIT = 20;
export const MESSAGE_LIMIT = 50;
/** Short keywords look at most this many of the caller's latest conversations… */
export const SHORT_TARGET_WINDOW = 5000;
/** …and at the messages of this many of the seat's own latest conversations, from this far back. */
export const SHORT_MESSAGE_CONVERSATIONS = 200;
export const SHORT_MESSAGE_DAYS = 30;

type ScopeKind = Exclude<SeatScope['kind'], 'none'>;

/** The seats whose conversations a scope covers, as a condition on `column`. */
const scopeCondition = (kind: ScopeKind, column: string) =>
  ({
    seat: `${column} = :seatId`,
    branch: `${column} IN (SELECT u.id FROM users u WHERE u.branch_id = :branchId AND u.role = 'seat')`,
    all: '1',
  })[kind];

const FTS_TARGETS = (kind: ScopeKind) => `
SELECT t.id AS targetId, t.name AS targetName, t.account_id AS accountId, t.conv_type AS convType
FROM targets_fts JOIN targets t ON t.id = targets_fts.rowid JOIN conversations c ON c.target_id = t.id
WHERE targets_fts MATCH :match AND ${scopeCondition(kind, 'c.seat_id')}
ORDER BY targets_fts.rowid DESC LIMIT ${TARGET_LIMIT}`;

const FTS_MESSAGES = (kind: ScopeKind) => `
SELECT m.id AS msgId, m.target_id AS targetId, t.name AS targetName, m.content, m.content_type AS contentType,
  m.sender, m.send_time AS sendTime
FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
JOIN conversations c ON c.target_id = m.target_id JOIN targets t ON t.id = m.target_id
WHERE messages_fts MATCH :match AND m.status <> 'recalled' AND ${scopeCondition(kind, 'c.seat_id')}
ORDER BY messages_fts.rowid DESC LIMIT ${MESSAGE_LIMIT}`;

const SHORT_TARGETS = (kind: ScopeKind) => `
SELECT t.id AS targetId, t.name AS targetName, t.account_id AS accountId, t.conv_type AS convType
FROM (SELECT c.target_id FROM conversations c WHERE ${scopeCondition(kind, 'c.seat_id')}
      ORDER BY c.id DESC LIMIT ${SHORT_TARGET_WINDOW}) v
JOIN targets t ON t.id = v.target_id
WHERE t.name LIKE :like ESCAPE '\\' OR t.platform_uid LIKE :like ESCAPE '\\'
ORDER BY t.id DESC LIMIT ${TARGET_LIMIT}`;

const SHORT_MESSAGES = `
SELECT m.id AS msgId, m.target_id AS targetId, t.name AS targetName, m.content, m.content_type AS contentType,
  m.sender, m.send_time AS sendTime
FROM (SELECT c.target_id FROM conversations c INDEXED BY conversations_seat_last
      WHERE c.seat_id = :seatId AND c.last_send_time >= :since
      ORDER BY c.last_send_time DESC LIMIT ${SHORT_MESSAGE_CONVERSATIONS}) v
JOIN messages m INDEXED BY messages_target_time ON m.target_id = v.target_id AND m.send_time >= :since
JOIN targets t ON t.id = v.target_id
WHERE m.status <> 'recalled' AND m.content LIKE :like ESCAPE '\\'
ORDER BY m.send_time DESC, m.id DESC LIMIT ${MESSAGE_LIMIT}`;

/** A keyword as one FTS5 phrase: with trigrams that is "contains this substring". */
export const ftsPhrase = (keyword: string) => `"${keyword.replace(/"/g, '""')}"`;
const likePattern = (keyword: string) => `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Trigram needs three characters (code points, so one Chinese character counts as one). */
export const isShortKeyword = (keyword: string) => [...keyword].length < 3;

// A search indexes what is not yet indexed first, so its results include every stored message;
// past this many rows it answers with what is indexed and the timer does the rest.
const CATCH_UP_BATCHES = 5;

export function createSearchRepository(sqlite: Sqlite, indexer: MessageIndexer) {
  const kinds: ScopeKind[] = ['seat', 'branch', 'all'];
  const prepared = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      {
        ftsTargets: sqlite.prepare(FTS_TARGETS(kind)),
        ftsMessages: sqlite.prepare(FTS_MESSAGES(kind)),
        shortTargets: sqlite.prepare(SHORT_TARGETS(kind)),
      },
    ]),
  ) as Record<ScopeKind, { ftsTargets: ReturnType<typeof sqlite.prepare>; ftsMessages: ReturnType<typeof sqlite.prepare>; shortTargets: ReturnType<typeof sqlite.prepare> }>;
  const shortMessages = sqlite.prepare(SHORT_MESSAGES);

  return {
    search(scope: SeatScope, keyword: string, now: number): { targets: TargetHit[]; messages: MessageHit[]; short: boolean } {
      const short = isShortKeyword(keyword);
      if (scope.kind === 'none') return { targets: [], messages: [], short };
      const q = prepared[scope.kind];
      const scopeParams = scope.kind === 'seat' ? { seatId: scope.seatId } : scope.kind === 'branch' ? { branchId: scope.branchId } : {};
      if (!short) {
        indexer.catchUp(CATCH_UP_BATCHES);
        const match = ftsPhrase(keyword);
        return {
          targets: q.ftsTargets.all({ ...scopeParams, match }) as TargetHit[],
          messages: q.ftsMessages.all({ ...scopeParams, match }) as MessageHit[],
          short,
        };
      }
      const like = likePattern(keyword);
      const since = now - SHORT_MESSAGE_DAYS * 86_400_000;
      return {
        targets: q.shortTargets.all({ ...scopeParams, like }) as TargetHit[],
        // Only a seat owns conversations: a manager's short keyword searches names only.
        messages: scope.kind === 'seat' ? (shortMessages.all({ seatId: scope.seatId, since, like }) as MessageHit[]) : [],
        short,
      };
    },
  };
}
