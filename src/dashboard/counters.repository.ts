// Dashboard counters, written by the message paths inside their own transactions: one upsert
// per message into dashboard_hours, and the conversation's "unanswered since" and "active day"
// state, which the caller stores with its own conversation update. Reading a summary then sums a
// day's few counter rows instead of scanning that day's messages.
import type { Statement } from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import type { Sqlite } from '../db/open.js';
import { tablesOf, type Db } from '../db/store.js';
import { dayAndHourOf } from '../time.js';

/** The conversation's dashboard state before the message. */
export interface ConversationTally {
  unansweredSince: number | null;
  activeDay: string | null;
  /** Send time of the conversation's newest message, null when it has none. */
  lastSendTime: number | null;
}

export interface CountedMessage {
  sendTime: number;
  inbound: boolean;
  /** Owner of the conversation when the message is stored (null: unassigned). */
  seatId: number | null;
  branchId: number | null;
}

/** The conversation's state after the message, and the day the message counted on. */
export interface TallyOutcome {
  unansweredSince: number | null;
  activeDay: string | null;
  day: string;
}

const UPSERT = `
  INSERT INTO dashboard_hours (day, branch_id, seat_id, hour, inbound, outbound, active_targets, replies, reply_ms)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (day, branch_id, seat_id, hour) DO UPDATE SET
    inbound = inbound + excluded.inbound,
    outbound = outbound + excluded.outbound,
    active_targets = active_targets + excluded.active_targets,
    replies = replies + excluded.replies,
    reply_ms = reply_ms + excluded.reply_ms`;

const upserts = new WeakMap<Sqlite, Statement<unknown[]>>();

function upsertOf(sqlite: Sqlite) {
  let statement = upserts.get(sqlite);
  if (!statement) {
    // Prepared once per connection: this runs for every stored message.
    statement = sqlite.prepare<unknown[]>(UPSERT);
    upserts.set(sqlite, statement);
  }
  return statement;
}

export interface TallyStep {
  unansweredSince: number | null;
  activeDay: string | null;
  /** The message's first of the day in this conversation. */
  active: boolean;
  /** The wait it answered, in ms; -1 when it answered none. */
  replyMs: number;
}

/**
 * The conversation's state after one message. Only the conversation's newest message moves its
 * reply state (a late, older message changes neither "unreplied" nor a reply time): an inbound
 * message starts an unanswered run unless one is open; an outbound one answers the open run, and
 * the wait from the run's first inbound message counts on the outbound message's day and hour. A
 * conversation counts as an active target on a day with its first message of that day (messages
 * arrive in order of days; a late message for an earlier day does not count it again).
 */
export function nextTally(state: ConversationTally, message: Pick<CountedMessage, 'sendTime' | 'inbound'>, day: string): TallyStep {
  const newest = message.sendTime >= (state.lastSendTime ?? 0);
  let unansweredSince = state.unansweredSince;
  let replyMs = -1;
  if (newest) {
    if (message.inbound) {
      unansweredSince ??= message.sendTime;
    } else if (unansweredSince !== null) {
      replyMs = Math.max(0, message.sendTime - unansweredSince);
      unansweredSince = null;
    }
  }
  const active = state.activeDay === null || day > state.activeDay;
  return { unansweredSince, activeDay: active ? day : state.activeDay, active, replyMs };
}

/** The dashboard_hours row one message adds to (the upsert's values). */
function hourRow(tzName: string, state: ConversationTally, message: CountedMessage) {
  const { day, hour } = dayAndHourOf(message.sendTime, tzName);
  const step = nextTally(state, message, day);
  const row = {
    day,
    branchId: message.branchId ?? 0,
    seatId: message.seatId ?? 0,
    hour,
    inbound: message.inbound ? 1 : 0,
    outbound: message.inbound ? 0 : 1,
    activeTargets: step.active ? 1 : 0,
    replies: step.replyMs >= 0 ? 1 : 0,
    replyMs: step.replyMs >= 0 ? step.replyMs : 0,
  };
  return { row, outcome: { unansweredSince: step.unansweredSince, activeDay: step.activeDay, day } };
}

/** Counts one stored message on the raw SQLite connection, inside the caller's transaction
 * (the inbound hot path's prepared statements); see nextTally. */
export function tallyMessage(sqlite: Sqlite, tzName: string, state: ConversationTally, message: CountedMessage): TallyOutcome {
  const { row: r, outcome } = hourRow(tzName, state, message);
  upsertOf(sqlite).run(r.day, r.branchId, r.seatId, r.hour, r.inbound, r.outbound, r.activeTargets, r.replies, r.replyMs);
  return outcome;
}

/** tallyMessage on either engine, inside the caller's transaction `tx`. */
export async function tallyMessageIn(tx: Db, tzName: string, state: ConversationTally, message: CountedMessage): Promise<TallyOutcome> {
  const { dashboardHours: t } = tablesOf(tx);
  const { row, outcome } = hourRow(tzName, state, message);
  await tx
    .insert(t)
    .values(row)
    .onConflictDoUpdate({
      target: [t.day, t.branchId, t.seatId, t.hour],
      set: {
        inbound: sql`${t.inbound} + excluded.inbound`,
        outbound: sql`${t.outbound} + excluded.outbound`,
        activeTargets: sql`${t.activeTargets} + excluded.active_targets`,
        replies: sql`${t.replies} + excluded.replies`,
        replyMs: sql`${t.replyMs} + excluded.reply_ms`,
      },
    });
  return outcome;
}
