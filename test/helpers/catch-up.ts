// What a client does to miss nothing after a gap in its seat's stream or a reconnect: ask for
// everything after the last `seq` it applied, page by page until the hub says there is no more. Tests that check "caught up with
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
  /** The seat's seq the answers cover: where the next catch-up starts. */
  seq: number;
  /** Targets with activity after `sinceSeq`, in their current state (the last answer's row wins). */
  alerts: Map<string, CatchUpAlert>;
  /** Requests it took. */
  pages: number;
}

export async function catchUp(hub: Pick<TestHub, 'call'>, token: string, custServId: string, sinceSeq: number): Promise<CaughtUp> {
  const alerts = new Map<string, CatchUpAlert>();
  let seq = sinceSeq;
  for (let pages = 1; ; pages++) {
    const answer = await hub.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId, sinceSeq: seq } });
    if (answer.status !== 200) throw new Error(`timelineAlerts: ${answer.status} ${JSON.stringify(answer.body)}`);
    const data = answer.body.data as { seq: number; more: boolean; alerts: CatchUpAlert[] };
    for (const alert of data.alerts) alerts.set(alert.receId, alert);
    if (data.seq < seq) throw new Error(`timelineAlerts went back from seq ${seq} to ${data.seq}`);
    seq = data.seq;
    if (!data.more) return { seq, alerts, pages };
  }
}

/** The position a client reaches from `start` by applying pushes: up to the first missing seq. */
export function appliedThrough(start: number, pushedSeqs: number[]): number {
  const seen = new Set(pushedSeqs);
  let at = start;
  while (seen.has(at + 1)) at += 1;
  return at;
}
