// The dashboard's figures computed from scratch: straight from the stored messages, fan events
// and accounts, without the counters. Messages count for the seat (and its branch) owning their
// conversation, which no test here changes while storing.
import { and, asc, eq } from 'drizzle-orm';
import type { Store } from '../../src/db/store.js';
import { dayAndHourOf, dayOf } from '../../src/time.js';

interface Msg {
  id: number;
  target_id: number;
  sender: number;
  send_time: number;
  seat_id: number | null;
  branch_id: number | null;
}

export type ExpectedScope = { kind: 'org' } | { kind: 'branch'; branchId: number } | { kind: 'seat'; seatId: number };

const round = (ms: number, n: number) => (n === 0 ? null : Math.round(ms / n / 100) / 10);

export async function expectedSummary(store: Store, tz: string, scope: ExpectedScope, day: string) {
  const { db, tables } = store;
  const { accounts: a, conversations: c, messages: m, users: u } = tables;
  const all: Msg[] = await db
    .select({ id: m.id, target_id: m.targetId, sender: m.sender, send_time: m.sendTime, seat_id: c.seatId, branch_id: u.branchId })
    .from(m)
    .innerJoin(c, eq(c.targetId, m.targetId))
    .leftJoin(u, eq(u.id, c.seatId));
  const seats = (
    await db
      .select({ id: u.id, name: u.name, branch_id: u.branchId })
      .from(u)
      .where(and(eq(u.role, 'seat'), eq(u.disabled, false)))
      .orderBy(asc(u.id))
  ).filter((s) => (scope.kind === 'org' ? true : scope.kind === 'branch' ? s.branch_id === scope.branchId : s.id === scope.seatId));
  const seatIds = new Set(seats.map((s) => s.id));
  const inScope = (m: Msg) =>
    scope.kind === 'org' ? true : scope.kind === 'branch' ? m.branch_id === scope.branchId : m.seat_id === scope.seatId;

  const byTarget = new Map<number, Msg[]>();
  for (const m of all) {
    const list = byTarget.get(m.target_id) ?? [];
    list.push(m);
    byTarget.set(m.target_id, list);
  }
  const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, inbound: 0, outbound: 0 }));
  const perSeat = new Map<number, { inbound: number; outbound: number; replies: number; replyMs: number; unreplied: number; newFans: number }>();
  const seatRow = (id: number | null) => {
    const key = id ?? 0;
    let row = perSeat.get(key);
    if (!row) perSeat.set(key, (row = { inbound: 0, outbound: 0, replies: 0, replyMs: 0, unreplied: 0, newFans: 0 }));
    return row;
  };
  let active = 0;
  let unreplied = 0;
  let replies = 0;
  let replyMs = 0;
  for (const list of byTarget.values()) {
    list.sort((a, b) => a.send_time - b.send_time || a.id - b.id);
    const owner = list[0]!;
    // Unreplied: the last message is inbound (whatever the day); the conversation's current owner.
    const ownerInScope = scope.kind === 'org' ? true : scope.kind === 'branch' ? seatIds.has(owner.seat_id ?? -1) : owner.seat_id === scope.seatId;
    if (list[list.length - 1]!.sender === 1 && ownerInScope) {
      unreplied += 1;
      seatRow(owner.seat_id).unreplied += 1;
    }
    let activeToday = false;
    let runStart: number | null = null;
    for (const m of list) {
      const { day: d, hour } = dayAndHourOf(m.send_time, tz);
      if (m.sender === 1) runStart ??= m.send_time;
      const answered = m.sender === 0 && runStart !== null ? m.send_time - runStart : null;
      if (m.sender === 0) runStart = null;
      if (d !== day || !inScope(m)) continue;
      activeToday = true;
      const s = seatRow(m.seat_id);
      if (m.sender === 1) {
        hourly[hour]!.inbound += 1;
        s.inbound += 1;
      } else {
        hourly[hour]!.outbound += 1;
        s.outbound += 1;
      }
      if (answered !== null) {
        replies += 1;
        replyMs += answered;
        s.replies += 1;
        s.replyMs += answered;
      }
    }
    if (activeToday) active += 1;
    // A new fan: a target of a seat in scope whose first message fell on the day.
    if (owner.seat_id !== null && seatIds.has(owner.seat_id) && dayOf(owner.send_time, tz) === day) seatRow(owner.seat_id).newFans += 1;
  }
  const accounts = (await db.select({ seat_id: a.seatId, status: a.status }).from(a).where(eq(a.disabled, false))).filter((row) =>
    scope.kind === 'org' ? true : seatIds.has(row.seat_id ?? -1),
  );
  return {
    date: day,
    inbound: hourly.reduce((n, h) => n + h.inbound, 0),
    outbound: hourly.reduce((n, h) => n + h.outbound, 0),
    newFans: seats.reduce((n, s) => n + (perSeat.get(s.id)?.newFans ?? 0), 0),
    activeTargets: active,
    unreplied,
    avgFirstReplySeconds: round(replyMs, replies),
    seatsTotal: seats.length,
    accountsOnline: accounts.filter((a) => a.status === 'online').length,
    accountsTotal: accounts.length,
    hourly,
    seats: seats.map((s) => {
      const row = perSeat.get(s.id);
      return {
        custServId: String(s.id),
        name: s.name,
        inbound: row?.inbound ?? 0,
        outbound: row?.outbound ?? 0,
        newFans: row?.newFans ?? 0,
        unreplied: row?.unreplied ?? 0,
        avgFirstReplySeconds: row ? round(row.replyMs, row.replies) : null,
      };
    }),
  };
}
