// The home dashboard (首页): one day's figures for the caller's scope. Data scope follows the
// role: master and admin the organisation (or one branch), branch manager and supervisor their
// branch, a seat itself.
import type { AuthUser } from '../auth/auth.repository.js';
import { badRequest, forbidden, notFound } from '../http/errors.js';
import { dayOf, isValidDay, type Clock } from '../time.js';
import type { HourRow, Scope, SummaryRepository } from './summary.repository.js';

export interface DashboardDeps {
  summaries: SummaryRepository;
  clock: Clock;
  tzName: string;
  /** The ids among `userIds` with a live socket on any instance. */
  onlineUsers(userIds: number[]): Promise<Set<number>>;
}

export interface SeatSummary {
  custServId: string;
  name: string;
  online: boolean;
  inbound: number;
  outbound: number;
  newFans: number;
  unreplied: number;
  avgFirstReplySeconds: number | null;
}

export interface Summary {
  date: string;
  inbound: number;
  outbound: number;
  newFans: number;
  activeTargets: number;
  unreplied: number;
  avgFirstReplySeconds: number | null;
  seatsOnline: number;
  seatsTotal: number;
  accountsOnline: number;
  accountsTotal: number;
  hourly: { hour: number; inbound: number; outbound: number }[];
  seats: SeatSummary[];
}

/** Mean wait in seconds, one decimal; null when no run was answered. */
export const averageSeconds = (totalMs: number, runs: number): number | null => (runs === 0 ? null : Math.round(totalMs / runs / 100) / 10);

/** Summaries kept between writes; any write to the database makes them stale. */
const CACHED_SUMMARIES = 256;

export function createDashboard(deps: DashboardDeps) {
  const { summaries, clock, tzName } = deps;
  // Every console refetches on the same dashboard:changed push, and a quiet hub is asked the same
  // day again and again: a summary read since the last write to the database is answered again.
  // Presence is live and never kept.
  const cache = new Map<string, { version: string; summary: Summary }>();

  function scopeOf(user: AuthUser, branchId: number | undefined): Scope {
    if (user.role === 'master' || user.role === 'admin') {
      if (branchId === undefined) return { kind: 'org' };
      // Whether the branch exists is checked when its figures are read, not on every request.
      return { kind: 'branch', branchId, asked: true };
    }
    if (branchId !== undefined && branchId !== user.branchId) throw forbidden('branchId: not your branch');
    if (user.role === 'seat') return { kind: 'seat', seatId: user.id };
    // A branch manager or supervisor without a branch has nobody in scope.
    return { kind: 'branch', branchId: user.branchId ?? 0 };
  }

  return {
    async summary(user: AuthUser, input: { date?: string; branchId?: string }): Promise<Summary> {
      const date = input.date ?? dayOf(clock.now(), tzName);
      if (!isValidDay(date)) throw badRequest('date', 'must be a calendar day YYYY-MM-DD');
      const scope = scopeOf(user, input.branchId === undefined ? undefined : Number(input.branchId));
      const key = `${scope.kind}:${scope.kind === 'org' ? '' : scope.kind === 'branch' ? scope.branchId : scope.seatId}:${date}`;
      const version = await summaries.version();
      let cached = cache.get(key);
      if (cached?.version !== version) {
        if (scope.kind === 'branch' && scope.asked && !(await summaries.branchExists(scope.branchId))) throw notFound('branchId');
        if (cache.size >= CACHED_SUMMARIES) cache.clear();
        cached = { version, summary: await compute(scope, date) };
        cache.set(key, cached);
      }
      const figures = cached.summary;
      const online = await deps.onlineUsers(figures.seats.map((s) => Number(s.custServId)));
      const seats = figures.seats.map((s) => (online.has(Number(s.custServId)) ? { ...s, online: true } : s));
      return { ...figures, seats, seatsOnline: online.size };
    },
  };

  /** The figures of `scope` on `date`, with every seat offline (presence is added per request). */
  async function compute(scope: Scope, date: string): Promise<Summary> {
    const read = await summaries.read(scope, date);

    const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, inbound: 0, outbound: 0 }));
    const bySeat = new Map<number, { inbound: number; outbound: number; replies: number; replyMs: number }>();
    let activeTargets = 0;
    let replies = 0;
    let replyMs = 0;
    for (const row of read.hours as HourRow[]) {
      const h = hourly[row.hour]!;
      h.inbound += row.inbound;
      h.outbound += row.outbound;
      activeTargets += row.active_targets;
      replies += row.replies;
      replyMs += row.reply_ms;
      let s = bySeat.get(row.seat_id);
      if (!s) bySeat.set(row.seat_id, (s = { inbound: 0, outbound: 0, replies: 0, replyMs: 0 }));
      s.inbound += row.inbound;
      s.outbound += row.outbound;
      s.replies += row.replies;
      s.replyMs += row.reply_ms;
    }

    let newFans = 0;
    let unreplied = 0;
    let accountsTotal = 0;
    let accountsOnline = 0;
    for (const f of read.figures.values()) {
      newFans += f.newFans;
      unreplied += f.unreplied;
      accountsTotal += f.accounts;
      accountsOnline += f.accountsOnline;
    }

    const seats = read.seats.map((seat): SeatSummary => {
      const counted = bySeat.get(seat.id);
      const f = read.figures.get(seat.id);
      return {
        custServId: String(seat.id),
        name: seat.name,
        online: false,
        inbound: counted?.inbound ?? 0,
        outbound: counted?.outbound ?? 0,
        newFans: f?.newFans ?? 0,
        unreplied: f?.unreplied ?? 0,
        avgFirstReplySeconds: counted ? averageSeconds(counted.replyMs, counted.replies) : null,
      };
    });

    return {
      date,
      inbound: hourly.reduce((n, h) => n + h.inbound, 0),
      outbound: hourly.reduce((n, h) => n + h.outbound, 0),
      newFans,
      activeTargets,
      unreplied,
      avgFirstReplySeconds: averageSeconds(replyMs, replies),
      seatsOnline: 0,
      seatsTotal: seats.length,
      accountsOnline,
      accountsTotal,
      hourly,
      seats,
    };
  }
}

export type Dashboard = ReturnType<typeof createDashboard>;
