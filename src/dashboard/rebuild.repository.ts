// Builds the dashboard counters from the stored messages, once: on a database that has messages
// but no counters (one made before the counters existed). Later messages keep them current in
// their own transactions. Past messages count for the seat and branch owning their conversation
// now, since who owned it at the time was never recorded.
import { sql } from 'drizzle-orm';
import type { PgStore, SqliteStore, Store } from '../db/store.js';
import { dayAndHourOf } from '../time.js';
import { nextTally, type ConversationTally } from './counters.repository.js';

interface Row {
  target_id: number;
  sender: number;
  send_time: number;
  seat_id: number | null;
  branch_id: number | null;
}

interface Counter {
  day: string;
  branchId: number;
  seatId: number;
  hour: number;
  inbound: number;
  outbound: number;
  active: number;
  replies: number;
  replyMs: number;
}

interface Tally {
  counters: Map<string, Counter>;
  states: Map<number, ConversationTally>;
}

// Each conversation's messages in order: the tally walks them as the message paths did.
const MESSAGES_SQL = `SELECT m.target_id, m.sender, m.send_time, c.seat_id, u.branch_id
  FROM messages m JOIN conversations c ON c.target_id = m.target_id LEFT JOIN users u ON u.id = c.seat_id
  ORDER BY m.target_id, m.send_time, m.id`;

/** The counters and conversation states the messages add up to. */
function tallyAll(rows: Iterable<Row>, tzName: string): Tally {
  const counters = new Map<string, Counter>();
  const states = new Map<number, ConversationTally>();
  for (const row of rows) {
    const state = states.get(row.target_id) ?? { unansweredSince: null, activeDay: null, lastSendTime: null };
    const inbound = row.sender === 1;
    const { day, hour } = dayAndHourOf(row.send_time, tzName);
    const step = nextTally(state, { sendTime: row.send_time, inbound }, day);
    states.set(row.target_id, { unansweredSince: step.unansweredSince, activeDay: step.activeDay, lastSendTime: Math.max(state.lastSendTime ?? 0, row.send_time) });
    const branchId = row.branch_id ?? 0;
    const seatId = row.seat_id ?? 0;
    const key = `${day}|${branchId}|${seatId}|${hour}`;
    let c = counters.get(key);
    if (!c) counters.set(key, (c = { day, branchId, seatId, hour, inbound: 0, outbound: 0, active: 0, replies: 0, replyMs: 0 }));
    if (inbound) c.inbound += 1;
    else c.outbound += 1;
    if (step.active) c.active += 1;
    if (step.replyMs >= 0) {
      c.replies += 1;
      c.replyMs += step.replyMs;
    }
  }
  return { counters, states };
}

/** Returns whether it built them (false: already built, or nothing to count). */
export function rebuildDashboardIfMissing(store: Store, tzName: string): Promise<boolean> {
  return store.dialect === 'sqlite' ? rebuildOnSqlite(store, tzName) : rebuildOnPg(store, tzName);
}

// One synchronous native transaction on the raw connection, the messages streamed through it.
function rebuildOnSqlite(store: SqliteStore, tzName: string): Promise<boolean> {
  return store.exclusive((sqlite) => {
    const build = sqlite.transaction((): boolean => {
      // Checked inside the write lock: another process sharing the file may have built them.
      if (sqlite.prepare('SELECT 1 FROM dashboard_hours LIMIT 1').get() !== undefined) return false;
      if (sqlite.prepare('SELECT 1 FROM messages LIMIT 1').get() === undefined) return false;
      const { counters, states } = tallyAll(sqlite.prepare(MESSAGES_SQL).iterate() as IterableIterator<Row>, tzName);
      const insert = sqlite.prepare(
        `INSERT INTO dashboard_hours (day, branch_id, seat_id, hour, inbound, outbound, active_targets, replies, reply_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const c of counters.values()) insert.run(c.day, c.branchId, c.seatId, c.hour, c.inbound, c.outbound, c.active, c.replies, c.replyMs);
      const update = sqlite.prepare('UPDATE conversations SET unanswered_since = ?, active_day = ? WHERE target_id = ?');
      for (const [targetId, s] of states) update.run(s.unansweredSince, s.activeDay, targetId);
      return true;
    });
    return build.immediate();
  });
}

/** Rows per INSERT or UPDATE statement: well under PostgreSQL's 65535 parameters. */
const BATCH = 1000;

async function rebuildOnPg(store: PgStore, tzName: string): Promise<boolean> {
  const { dashboardHours } = store.tables;
  return store.transaction(async (tx) => {
    // Hubs on other hosts start at once: the first to lock builds, the others then find counters.
    await store.rows(sql`LOCK TABLE dashboard_hours IN SHARE ROW EXCLUSIVE MODE`, tx);
    if ((await store.rows(sql`SELECT 1 AS one FROM dashboard_hours LIMIT 1`, tx)).length > 0) return false;
    if ((await store.rows(sql`SELECT 1 AS one FROM messages LIMIT 1`, tx)).length === 0) return false;
    // Raw rows: bigint columns may come back as strings here, so every number is read as one.
    const raw = await store.rows<{ [K in keyof Row]: number | string | null }>(sql.raw(MESSAGES_SQL), tx);
    const orNull = (v: number | string | null) => (v === null ? null : Number(v));
    const messages = raw.map((r) => ({ target_id: Number(r.target_id), sender: Number(r.sender), send_time: Number(r.send_time), seat_id: orNull(r.seat_id), branch_id: orNull(r.branch_id) }));
    const { counters, states } = tallyAll(messages, tzName);
    const rows = [...counters.values()].map((c) => ({
      day: c.day,
      branchId: c.branchId,
      seatId: c.seatId,
      hour: c.hour,
      inbound: c.inbound,
      outbound: c.outbound,
      activeTargets: c.active,
      replies: c.replies,
      replyMs: c.replyMs,
    }));
    for (let i = 0; i < rows.length; i += BATCH) await tx.insert(dashboardHours).values(rows.slice(i, i + BATCH));
    const updates = [...states];
    for (let i = 0; i < updates.length; i += BATCH) {
      const values = sql.join(
        updates.slice(i, i + BATCH).map(([targetId, s]) => sql`(${targetId}::bigint, ${s.unansweredSince}::bigint, ${s.activeDay}::text)`),
        sql`, `,
      );
      await store.rows(
        sql`UPDATE conversations c SET unanswered_since = v.u, active_day = v.d FROM (VALUES ${values}) AS v(t, u, d) WHERE c.target_id = v.t`,
        tx,
      );
    }
    return true;
  });
}
