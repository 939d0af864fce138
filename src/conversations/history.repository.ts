// One target's messages on one day (retrievePastRecords): the page, the day's total and its
// last send time, from one snapshot. SQLite reads them with statements prepared once
// (history.sqlite.ts), PostgreSQL in one statement (history.pg.ts).
import type { MessageStatus } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { createPgHistory } from './history.pg.js';
import { createSqliteHistory } from './history.sqlite.js';

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

export interface HistoryQuery {
  targetId: number;
  start: number;
  end: number;
  limit: number;
  offset: number;
}

export interface HistoryDay {
  total: number;
  lastSendTime: number | null;
  /** Oldest first; ties on the same millisecond in the order they were stored. */
  items: HistoryMessage[];
}

export interface HistoryRepository {
  dayOfTarget(query: HistoryQuery): Promise<HistoryDay>;
}

export function createHistoryRepository(store: Store): HistoryRepository {
  return store.dialect === 'sqlite' ? createSqliteHistory(store) : createPgHistory(store);
}
