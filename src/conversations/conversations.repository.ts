// A seat's conversations: the day list, the timeline and the targets of one conversation type.
// One interface, two engines: SQLite keeps its statements prepared once and read in one
// snapshot on the raw connection (conversations.sqlite.ts); PostgreSQL answers each read in one
// statement, which is its own snapshot (conversations.pg.ts).
import type { ConvType } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { createPgConversations } from './conversations.pg.js';
import { createSqliteConversations } from './conversations.sqlite.js';

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

export interface Page {
  limit: number;
  offset: number;
}

export interface DayRange {
  start: number;
  end: number;
}

export interface TimelinePage {
  /** The hub-wide cursor when the page was read. */
  cursor: number;
  /** The seat's stream position when the page was read. */
  seq: number;
  rows: ConversationRow[];
  total: number;
}

export interface ConversationsRepository {
  /** Every conversation of `seatId` with a message in `[start, end)`, by that day's last message. */
  activeOnDay(seatId: number, range: DayRange): Promise<ConversationRow[]>;
  /**
   * A timeline page, the hub cursor and the seat's stream seq, read in one snapshot: a client
   * that resumes from either with timelineAlerts gets exactly what happened after the rows it
   * was shown.
   */
  timeline(seatId: number, page: Page, range?: DayRange): Promise<TimelinePage>;
  /** Does `seatId` own a conversation on `accountId` (e.g. one transferred to it)? */
  ownsConversationOn(seatId: number, accountId: number): Promise<boolean>;
  /** The seat's targets of one conversation type, optionally on one account, newest first. */
  targetsOfType(seatId: number, convType: ConvType, accountId: number | undefined, page: Page): Promise<{ rows: ConversationRow[]; total: number }>;
}

export function createConversationsRepository(store: Store): ConversationsRepository {
  return store.dialect === 'sqlite' ? createSqliteConversations(store) : createPgConversations(store);
}
