// Builds the dashboard counters from the stored messages, once: on a database that has messages
// but no counters (one made before the counters existed). Later messages keep them current in
// their own transactions. Past messages count for the seat and branch owning their conversation
// now, since who owned it at the time was never recorded.
import type { Sqlite } from '../db/open.js';
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

/** Returns whether it built them (false: already built, or nothing to count). */
export function rebuildDashboardIfMissing(sqlite: Sqlite, tzName: string): boolean {
  const build = sqlite.transaction((): boolean => {
    // Checked inside the write lock: another process sharing the file may have built them.
    if (sqlite.prepare('SELECT 1 FROM dashboard_hours LIMIT 1').get() !== undefined) return false;
    if (sqlite.prepare('SELECT 1 FROM messages LIMIT 1').get() === undefined) return false;
    const counters = new Map<string, Counter>();
    const states = new Map<number, ConversationTally>();
    const rows = sqlite
      .prepare(
        `SELECT m.target_id, m.sender, m.send_time, c.seat_id, u.branch_id
         FROM messages m JOIN conversations c ON c.target_id = m.target_id LEFT JOIN users u ON u.id = c.seat_id
         ORDER BY m.target_id, m.send_time, m.id`,
      )
      .iterate() as IterableIterator<Row>;
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
    const insert = sqlite.prepare(
      `INSERT INTO dashboard_hours (day, branch_id, seat_id, hour, inbound, outbound, active_targets, replies, reply_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const c of counters.values()) insert.run(c.day, c.branchId, c.seatId, c.hour, c.inbound, c.outbound, c.active, c.replies, c.replyMs);
    const update = sqlite.prepare('UPDATE conversations SET unanswered_since = ?, active_day = ? WHERE target_id = ?');
    for (const [targetId, s] of states) update.run(s.unansweredSince, s.activeDay, targetId);
    return true;
  });
  return build.immediate();
}
