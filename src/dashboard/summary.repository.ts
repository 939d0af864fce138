// The reads behind the home dashboard: one interface, an implementation per engine (chosen here,
// once). Every figure is a lookup by index: a day's counter rows (a few per seat and hour), the
// seats of a scope, their fan events of the day, their conversations waiting for a reply (a
// partial index) and their accounts. None reads messages.
import type { Store } from '../db/store.js';
import { createPgSummaryRepository } from './summary.pg.js';
import { createSqliteSummaryRepository } from './summary.sqlite.js';

export { SUMMARY_SQL } from './summary.sqlite.js';

export interface HourRow {
  seat_id: number;
  hour: number;
  inbound: number;
  outbound: number;
  active_targets: number;
  replies: number;
  reply_ms: number;
}

export interface SeatRow {
  id: number;
  name: string;
}

/** Per seat (0: no seat) of a scope: its current figures. */
export interface SeatFigures {
  newFans: number;
  unreplied: number;
  accounts: number;
  accountsOnline: number;
}

/** Who is in scope: the whole organisation, one branch, or one seat. */
export type Scope =
  | { kind: 'org' }
  // `asked`: the branch was named in the request, so it may not exist.
  | { kind: 'branch'; branchId: number; asked?: boolean }
  | { kind: 'seat'; seatId: number };

export interface ScopeRead {
  hours: HourRow[];
  seats: SeatRow[];
  figures: Map<number, SeatFigures>;
}

export interface SummaryRepository {
  /**
   * Changes whenever anything may have been written to the database since the last call; equal
   * versions mean equal figures (a new version may still bring equal figures).
   */
  version(): Promise<string>;
  branchExists(branchId: number): Promise<boolean>;
  /** Everything a summary of `scope` on `day` needs, read in one snapshot. */
  read(scope: Scope, day: string): Promise<ScopeRead>;
}

export function createSummaryRepository(store: Store): SummaryRepository {
  return store.dialect === 'sqlite' ? createSqliteSummaryRepository(store) : createPgSummaryRepository(store);
}
