// What a reconnecting client does to miss nothing: ask for everything after the last position
// it saw, page by page until the hub says there is no more. Tests that check "caught up with
// nothing missed" go through this one function, so the catch-up they rely on is changed here.
import type { TestHub } from './hub.js';

export interface CatchUpAlert {
  receId: string;
  receName: string;
  accountId: string;
  unread: number;
  lastContent: string | null;
  lastSendTimeMs: number | null;
}

export interface CaughtUp {
  /** Where the next catch-up starts. */
  cursor: number;
  /** Targets with activity after `since`, in their current state (the last answer's row wins). */
  alerts: Map<string, CatchUpAlert>;
  /** Requests it took. */
  pages: number;
}

export async function catchUp(hub: Pick<TestHub, 'call'>, token: string, custServId: string, since: number): Promise<CaughtUp> {
  const alerts = new Map<string, CatchUpAlert>();
  let cursor = since;
  for (let pages = 1; ; pages++) {
    const answer = await hub.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId, since: cursor } });
    if (answer.status !== 200) throw new Error(`timelineAlerts: ${answer.status} ${JSON.stringify(answer.body)}`);
    const data = answer.body.data as { cursor: number; more: boolean; alerts: CatchUpAlert[] };
    for (const alert of data.alerts) alerts.set(alert.receId, alert);
    if (data.cursor < cursor) throw new Error(`timelineAlerts went back from ${cursor} to ${data.cursor}`);
    cursor = data.cursor;
    if (!data.more) return { cursor, alerts, pages };
  }
}
