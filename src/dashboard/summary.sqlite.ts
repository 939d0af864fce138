// The dashboard reads on SQLite: statements prepared once on the raw connection, a summary read
// in one snapshot, run synchronously inside the store's `exclusive` (no query building and no
// await per seat). Every figure is a lookup by index; none reads messages.
import type { Statement } from 'better-sqlite3';
import { readSnapshot } from '../db/open.js';
import type { SqliteStore } from '../db/store.js';
import type { ScopeRead, SeatFigures, SeatRow, HourRow, SummaryRepository } from './summary.repository.js';

const HOUR_COLUMNS = 'seat_id, hour, inbound, outbound, active_targets, replies, reply_ms';

// The SQL of each statement, exported so tests can check its query plan.
export const SUMMARY_SQL = {
  hoursOfOrg: `SELECT ${HOUR_COLUMNS} FROM dashboard_hours WHERE day = @day`,
  hoursOfBranch: `SELECT ${HOUR_COLUMNS} FROM dashboard_hours WHERE day = @day AND branch_id = @branchId`,
  hoursOfSeat: `SELECT ${HOUR_COLUMNS} FROM dashboard_hours WHERE seat_id = @seatId AND day = @day`,
  seatsOfOrg: `SELECT id, name FROM users WHERE role = 'seat' AND disabled = 0 ORDER BY id`,
  seatsOfBranch: `SELECT id, name FROM users WHERE branch_id = @branchId AND role = 'seat' AND disabled = 0 ORDER BY id`,
  seat: `SELECT id, name FROM users WHERE id = @seatId`,
  fansOfSeat: `SELECT coalesce(sum(delta), 0) AS n FROM fan_events WHERE seat_id = @seatId AND day = @day`,
  unrepliedOfSeat: `SELECT count(*) AS n FROM conversations WHERE seat_id = @seatId AND unanswered_since IS NOT NULL`,
  unrepliedOfOrg: `SELECT coalesce(seat_id, 0) AS seat_id, count(*) AS n FROM conversations WHERE unanswered_since IS NOT NULL GROUP BY seat_id`,
  accountsOfSeat: `SELECT count(*) AS total, coalesce(sum(status = 'online'), 0) AS online FROM accounts WHERE seat_id = @seatId AND disabled = 0`,
  accountsOfOrg: `SELECT coalesce(seat_id, 0) AS seat_id, count(*) AS total, coalesce(sum(status = 'online'), 0) AS online FROM accounts WHERE disabled = 0 GROUP BY seat_id`,
  branchExists: `SELECT 1 AS one FROM branches WHERE id = @branchId`,
  // data_version moves on another connection's commit, total_changes on this one's writes. Two
  // plain statements: the table-valued pragma_data_version() form costs three times as much.
  dataVersion: `PRAGMA data_version`,
  totalChanges: `SELECT total_changes() AS n`,
} as const;

type Statements = { [K in keyof typeof SUMMARY_SQL]: Statement<unknown[]> };

export function createSqliteSummaryRepository(store: SqliteStore): SummaryRepository {
  const { sqlite } = store;
  const q = Object.fromEntries(Object.entries(SUMMARY_SQL).map(([name, sql]) => [name, sqlite.prepare(sql)])) as Statements;

  const emptyFigures = (): SeatFigures => ({ newFans: 0, unreplied: 0, accounts: 0, accountsOnline: 0 });

  function perSeat(seatId: number, day: string): SeatFigures {
    const fans = q.fansOfSeat.get({ seatId, day }) as { n: number };
    const unreplied = q.unrepliedOfSeat.get({ seatId }) as { n: number };
    const accounts = q.accountsOfSeat.get({ seatId }) as { total: number; online: number };
    return { newFans: fans.n, unreplied: unreplied.n, accounts: accounts.total, accountsOnline: accounts.online };
  }

  return {
    // Changes as soon as anything is written to the database: by another connection or process
    // (data_version) or by this one (total_changes).
    version: () =>
      store.exclusive(() => `${(q.dataVersion.get() as { data_version: number }).data_version}:${(q.totalChanges.get() as { n: number }).n}`),

    branchExists: (branchId) => store.exclusive(() => q.branchExists.get({ branchId }) !== undefined),

    /** Everything a summary of `scope` on `day` needs, read in one snapshot. */
    read: (scope, day) =>
      store.exclusive((): ScopeRead =>
        readSnapshot(sqlite, () => {
          const figures = new Map<number, SeatFigures>();
          if (scope.kind === 'seat') {
            const seat = q.seat.get({ seatId: scope.seatId }) as SeatRow | undefined;
            figures.set(scope.seatId, perSeat(scope.seatId, day));
            return { hours: q.hoursOfSeat.all({ seatId: scope.seatId, day }) as HourRow[], seats: seat ? [seat] : [], figures };
          }
          if (scope.kind === 'branch') {
            const seats = q.seatsOfBranch.all({ branchId: scope.branchId }) as SeatRow[];
            for (const seat of seats) figures.set(seat.id, perSeat(seat.id, day));
            return { hours: q.hoursOfBranch.all({ day, branchId: scope.branchId }) as HourRow[], seats, figures };
          }
          // The organisation: grouped reads over the small tables (and the partial index), plus
          // fans per seat; seat 0 holds what belongs to no seat (unassigned accounts).
          const seats = q.seatsOfOrg.all() as SeatRow[];
          const at = (seatId: number) => {
            let f = figures.get(seatId);
            if (!f) figures.set(seatId, (f = emptyFigures()));
            return f;
          };
          for (const seat of seats) at(seat.id).newFans = (q.fansOfSeat.get({ seatId: seat.id, day }) as { n: number }).n;
          for (const row of q.unrepliedOfOrg.all() as { seat_id: number; n: number }[]) at(row.seat_id).unreplied = row.n;
          for (const row of q.accountsOfOrg.all() as { seat_id: number; total: number; online: number }[]) {
            const f = at(row.seat_id);
            f.accounts = row.total;
            f.accountsOnline = row.online;
          }
          return { hours: q.hoursOfOrg.all({ day }) as HourRow[], seats, figures };
        }),
      ),
  };
}
