// Catch-up by cursor or by the seat's seq: the targets of a seat with activity after the
// position, in their current state, and the position the answer covers. The activity log is
// written in BEGIN IMMEDIATE transactions, so cursors commit in order and a snapshot that holds
// cursor N holds all below it: nothing is skipped, and nothing is repeated once the client moves
// to the new position. The seq form does not need that single writer (see timelineAlertsBySeq).
import { and, asc, eq, gt, max, sql } from 'drizzle-orm';
import type { Store } from '../db/store.js';

export interface TimelineAlertRow {
  targetId: number;
  name: string;
  accountId: number;
  unread: number;
  lastContent: string | null;
  lastSendTime: number | null;
}

export interface TimelineAlerts {
  cursor: number;
  alerts: TimelineAlertRow[];
  /** More targets had activity; call again from `cursor`. */
  more: boolean;
}

export interface SeqAlerts {
  /** The seat's stream number this answer covers: every event up to it is in it or before it. */
  seq: number;
  alerts: TimelineAlertRow[];
  /** More targets had activity; call again from `seq`. */
  more: boolean;
}

export async function timelineAlerts(store: Store, seatId: number, since: number, limit = 1000): Promise<TimelineAlerts> {
  const { top, alerts, more } = await alertsAfter(store, seatId, 'cursor', since, limit);
  return { cursor: top, alerts, more };
}

/**
 * Catch-up by the seat's own stream: the targets with activity numbered after `sinceSeq`. A
 * seat's numbers are taken under a lock on its stream row, so they commit in order on any
 * database and a snapshot holding seq N holds every number below it.
 */
export async function timelineAlertsBySeq(store: Store, seatId: number, sinceSeq: number, limit = 1000): Promise<SeqAlerts> {
  const { top, alerts, more } = await alertsAfter(store, seatId, 'seq', sinceSeq, limit);
  return { seq: top, alerts, more };
}

async function alertsAfter(store: Store, seatId: number, by: 'cursor' | 'seq', since: number, limit: number) {
  const { activity, conversations, targets } = store.tables;
  const position: typeof activity.cursor | typeof activity.seq = activity[by];
  // One statement, so one snapshot on either engine: the position and the conversations' state
  // agree. Read apart, a message committed between the two reads was in a conversation's unread
  // count and also numbered after the answer's position, so a client that caught up and then
  // applied its push counted it twice.
  // Taking the groups with the smallest latest position first: every event up to the last one
  // taken belongs to a target in this answer or is repeated by a later group.
  const groups = store.db.$with('groups').as(
    store.db
      .select({ targetId: activity.targetId, top: max(position).as('top') })
      .from(activity)
      .where(and(eq(activity.seatId, seatId), gt(position, since)))
      .groupBy(activity.targetId)
      .orderBy(asc(sql`top`))
      .limit(limit + 1),
  );
  const rows = await store.db
    .with(groups)
    .select({
      top: groups.top,
      targetId: targets.id,
      name: targets.name,
      accountId: conversations.accountId,
      unread: conversations.unreadCount,
      lastContent: conversations.lastContent,
      lastSendTime: conversations.lastSendTime,
      lastCursor: conversations.lastCursor,
    })
    .from(groups)
    // A target transferred away since then is no longer this seat's to show.
    .leftJoin(conversations, and(eq(conversations.targetId, groups.targetId), eq(conversations.seatId, seatId)))
    .leftJoin(targets, eq(targets.id, conversations.targetId))
    .orderBy(asc(groups.top));
  const more = rows.length > limit;
  const covered = rows.slice(0, limit);
  const top = covered.reduce((acc, g) => Math.max(acc, g.top ?? 0), since);
  const alerts = covered
    .filter((r): r is typeof r & { targetId: number; name: string; accountId: number; unread: number; lastCursor: number } => r.targetId !== null)
    .sort((a, b) => a.lastCursor - b.lastCursor)
    .map(({ top: _top, ...alert }) => alert);
  return { top, alerts, more };
}
