// SQLite quick search: the FTS5 trigram indexes (migration 0001_search_fts), filled for message
// text in batches behind the callbacks (message-index.sqlite.ts). A search first indexes what
// is not yet indexed, in the same synchronous step on the raw connection, so its results
// include every stored message. This file and those migrations are the only SQLite search code.
import type { Sqlite } from '../db/open.js';
import type { SqliteStore } from '../db/store.js';
import { createSqliteMessageIndexing } from './message-index.sqlite.js';
import {
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

type ScopeKind = VisibleScope['kind'];

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

// The index order of conversations_seat_last breaks ties on last_send_time by id, newest first.
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

// Past this many batches a search answers with what is indexed and the timer does the rest.
const CATCH_UP_BATCHES = 5;

function prepareAll(sqlite: Sqlite) {
  const kinds: ScopeKind[] = ['seat', 'branch', 'all'];
  const byScope = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      { ftsTargets: sqlite.prepare(FTS_TARGETS(kind)), ftsMessages: sqlite.prepare(FTS_MESSAGES(kind)), shortTargets: sqlite.prepare(SHORT_TARGETS(kind)) },
    ]),
  ) as Record<ScopeKind, Record<'ftsTargets' | 'ftsMessages' | 'shortTargets', ReturnType<Sqlite['prepare']>>>;
  return { byScope, shortMessages: sqlite.prepare(SHORT_MESSAGES), indexing: createSqliteMessageIndexing(sqlite) };
}

const scopeParams = (scope: VisibleScope) => (scope.kind === 'seat' ? { seatId: scope.seatId } : scope.kind === 'branch' ? { branchId: scope.branchId } : {});

export function createSqliteSearch(store: SqliteStore): SearchRepository {
  let prepared: ReturnType<typeof prepareAll> | undefined;
  const onConnection = <T>(work: (queries: ReturnType<typeof prepareAll>) => T) =>
    store.exclusive((sqlite) => work((prepared ??= prepareAll(sqlite))));

  return searchWith({
    fullText: (scope, keyword) =>
      onConnection((p) => {
        p.indexing.catchUp(CATCH_UP_BATCHES);
        const q = p.byScope[scope.kind];
        const params = { ...scopeParams(scope), match: ftsPhrase(keyword) };
        return { targets: q.ftsTargets.all(params) as TargetHit[], messages: q.ftsMessages.all(params) as MessageHit[] };
      }),
    short: (scope, like, recent) =>
      onConnection((p) => ({
        targets: p.byScope[scope.kind].shortTargets.all({ ...scopeParams(scope), like }) as TargetHit[],
        messages: recent ? (p.shortMessages.all({ ...recent, like }) as MessageHit[]) : [],
      })),
  });
}
