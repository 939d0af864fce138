// What both quick-search engines share: the hit shapes, the limits, how a keyword turns into a
// pattern, and which of an engine's queries a search runs. Kept apart from search.repository.ts,
// which picks an engine, so that neither engine imports the module that imports it.
import type { SeatScope } from '../access/access.js';
import type { ConvType } from '../db/schema.js';

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

export interface SearchResult {
  /** Newest target first (by id). */
  targets: TargetHit[];
  /** Full text: newest message first (by id); short keywords: by send time, newest first. */
  messages: MessageHit[];
  short: boolean;
}

export const TARGET_LIMIT = 20;
export const MESSAGE_LIMIT = 50;
/** Short keywords look at most this many of the caller's latest conversations… */
export const SHORT_TARGET_WINDOW = 5000;
/** …and at the messages of this many of the seat's own latest conversations, from this far back. */
export const SHORT_MESSAGE_CONVERSATIONS = 200;
export const SHORT_MESSAGE_DAYS = 30;

/** Trigram needs three characters (code points, so one Chinese character counts as one). */
export const isShortKeyword = (keyword: string) => [...keyword].length < 3;

/** `%keyword%` with the pattern characters escaped by backslash (`ESCAPE '\'`). */
export const likePattern = (keyword: string) => `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Where the short keyword's message window starts. */
export const shortSince = (now: number) => now - SHORT_MESSAGE_DAYS * 86_400_000;

export interface SearchRepository {
  search(scope: SeatScope, keyword: string, now: number): Promise<SearchResult>;
}

/** A scope that sees some conversations. */
export type VisibleScope = Exclude<SeatScope, { kind: 'none' }>;

export type SearchHits = Omit<SearchResult, 'short'>;

/** A seat's own latest conversations, from `since` on: where a short keyword looks for messages. */
export interface RecentWindow {
  seatId: number;
  since: number;
}

/** One engine's queries; searchWith decides which one a search runs and with what. */
export interface SearchQueries {
  /** A keyword of three or more characters, over the trigram index. */
  fullText(scope: VisibleScope, keyword: string): Promise<SearchHits>;
  /** A short keyword as a `likePattern`: names in the scope's latest conversations, messages only in `recent` (none without it). */
  short(scope: VisibleScope, like: string, recent: RecentWindow | undefined): Promise<SearchHits>;
}

export function searchWith(queries: SearchQueries): SearchRepository {
  return {
    async search(scope, keyword, now) {
      const short = isShortKeyword(keyword);
      if (scope.kind === 'none') return { targets: [], messages: [], short };
      if (!short) return { ...(await queries.fullText(scope, keyword)), short };
      // Only a seat owns conversations: a manager's short keyword searches names only.
      const recent = scope.kind === 'seat' ? { seatId: scope.seatId, since: shortSince(now) } : undefined;
      return { ...(await queries.short(scope, likePattern(keyword), recent)), short };
    },
  };
}
