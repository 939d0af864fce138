// The dashboard reads on PostgreSQL: the same figures as ./summary.sqlite.ts, read in one
// REPEATABLE READ snapshot, with the per-seat lookups of a scope folded into one grouped query
// each (a round trip per seat would cost more than the reads themselves).
import { and, eq, inArray, isNotNull, sql, type Column } from 'drizzle-orm';
import type { Db, PgStore } from '../db/store.js';
import type { HourRow, ScopeRead, SeatFigures, SeatRow, SummaryRepository } from './summary.repository.js';

export function createPgSummaryRepository(store: PgStore): SummaryRepository {
  const { accounts, branches, conversations, dashboardHours: dh, fanEvents, users } = store.tables;
  const emptyFigures = (): SeatFigures => ({ newFans: 0, unreplied: 0, accounts: 0, accountsOnline: 0 });
  const hourColumns = {
    seat_id: dh.seatId,
    hour: dh.hour,
    inbound: dh.inbound,
    outbound: dh.outbound,
    active_targets: dh.activeTargets,
    replies: dh.replies,
    reply_ms: dh.replyMs,
  };
  const seatColumns = { id: users.id, name: users.name };
  // What belongs to no seat is counted under seat 0, as on SQLite.
  const seatKey = (column: Column) => sql<number>`coalesce(${column}, 0)`.mapWith(Number);
  // sum() and count() are numeric and bigint on PostgreSQL: numbers here.
  const fanSum = sql<number>`coalesce(sum(${fanEvents.delta}), 0)`.mapWith(Number);
  const rowCount = sql<number>`count(*)`.mapWith(Number);
  const onlineCount = sql<number>`coalesce(sum(CASE WHEN ${accounts.status} = 'online' THEN 1 ELSE 0 END), 0)`.mapWith(Number);
  // Without a readable WAL position (a standby), every read is a new version: no cache.
  let uncached = 0;

  /**
   * Fans of `fanSeats` on `day`, and unreplied conversations and accounts of `seatIds` (of every
   * seat, and of none, when null), as SQLite's statements count them.
   */
  async function figuresOf(tx: Db, fanSeats: number[], seatIds: number[] | null, day: string): Promise<Map<number, SeatFigures>> {
    const figures = new Map<number, SeatFigures>();
    const at = (seatId: number) => {
      let f = figures.get(seatId);
      if (!f) figures.set(seatId, (f = emptyFigures()));
      return f;
    };
    for (const id of fanSeats) at(id);
    if (fanSeats.length > 0) {
      const fans = await tx
        .select({ seatId: fanEvents.seatId, n: fanSum })
        .from(fanEvents)
        .where(and(eq(fanEvents.day, day), inArray(fanEvents.seatId, fanSeats)))
        .groupBy(fanEvents.seatId);
      for (const row of fans) at(row.seatId).newFans = row.n;
    }
    if (seatIds?.length === 0) return figures;
    const unreplied = await tx
      .select({ seatId: seatKey(conversations.seatId), n: rowCount })
      .from(conversations)
      .where(and(isNotNull(conversations.unansweredSince), seatIds ? inArray(conversations.seatId, seatIds) : undefined))
      .groupBy(conversations.seatId);
    for (const row of unreplied) at(row.seatId).unreplied = row.n;
    const held = await tx
      .select({ seatId: seatKey(accounts.seatId), total: rowCount, online: onlineCount })
      .from(accounts)
      .where(and(eq(accounts.disabled, false), seatIds ? inArray(accounts.seatId, seatIds) : undefined))
      .groupBy(accounts.seatId);
    for (const row of held) {
      const f = at(row.seatId);
      f.accounts = row.total;
      f.accountsOnline = row.online;
    }
    return figures;
  }

  const enabledSeats = and(eq(users.role, 'seat'), eq(users.disabled, false));

  return {
    // The WAL insert position moves with every write to the cluster, before the write is
    // visible: an unchanged position means no commit since, so the figures are unchanged.
    async version() {
      try {
        const [row] = await store.rows<{ v: string }>(sql`SELECT pg_current_wal_insert_lsn()::text AS v`);
        return row!.v;
      } catch {
        return `uncached:${++uncached}`;
      }
    },

    async branchExists(branchId) {
      const rows = await store.db.select({ one: branches.id }).from(branches).where(eq(branches.id, branchId));
      return rows.length > 0;
    },

    read(scope, day) {
      return store.transaction(async (tx): Promise<ScopeRead> => {
        await store.rows(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`, tx);
        let seats: SeatRow[];
        let hours: HourRow[];
        let figures: Map<number, SeatFigures>;
        if (scope.kind === 'seat') {
          seats = await tx.select(seatColumns).from(users).where(eq(users.id, scope.seatId));
          figures = await figuresOf(tx, [scope.seatId], [scope.seatId], day);
          hours = await tx.select(hourColumns).from(dh).where(and(eq(dh.seatId, scope.seatId), eq(dh.day, day)));
        } else if (scope.kind === 'branch') {
          seats = await tx.select(seatColumns).from(users).where(and(eq(users.branchId, scope.branchId), enabledSeats)).orderBy(users.id);
          const ids = seats.map((s) => s.id);
          figures = await figuresOf(tx, ids, ids, day);
          hours = await tx.select(hourColumns).from(dh).where(and(eq(dh.day, day), eq(dh.branchId, scope.branchId)));
        } else {
          // The organisation: fans of its enabled seats; unreplied and accounts of every seat,
          // seat 0 holding what belongs to no seat (unassigned accounts).
          seats = await tx.select(seatColumns).from(users).where(enabledSeats).orderBy(users.id);
          figures = await figuresOf(tx, seats.map((s) => s.id), null, day);
          hours = await tx.select(hourColumns).from(dh).where(eq(dh.day, day));
        }
        return { hours, seats, figures };
      });
    },
  };
}
