// Where the console stands in a seat's event stream, and how it catches up from there.
// The position is the last `seq` of the followed seat applied: a push numbered `last + 1` moves
// it, a push at or below it is a repeat, a push beyond `last + 1` means one was missed and asks
// for a catch-up (`timelineAlerts {sinceSeq}`), which moves the position to what its answer covers.
import type { TimelineAlert } from '../api/types';

export interface AlertsPage {
  /** The seat's seq this page covers. */
  seq: number;
  more: boolean;
  alerts: TimelineAlert[];
}

export type FetchAlerts = (custServId: string, sinceSeq: number) => Promise<AlertsPage>;

export interface StreamPosition {
  /** The position a catch-up resumes from: the last seq applied. */
  readonly value: number;
  /** Records a push; answers false when the push is a repeat the caller must skip. */
  observe(payload: { custServId?: string; seq?: number }): boolean;
  /** Sets the position from a loaded snapshot (the timeline's own seq). */
  reset(value: number): void;
  /** Asks for everything after the position, page by page, handing each page to `apply`. */
  catchUp(custServId: string, fetchAlerts: FetchAlerts, apply: (alerts: TimelineAlert[], position: number) => void): Promise<void>;
}

export interface SeqPositionOptions {
  /** Told when a push skipped numbers: the caller starts a catch-up. */
  onGap?(): void;
}

/** Most catch-up rounds in one call: a hub that keeps answering `more` cannot hold the console in a loop. */
const MAX_ROUNDS = 50;

export function createSeqPosition(custServId: string, options: SeqPositionOptions = {}): StreamPosition {
  let last = 0;
  /** The highest seq seen pushed; above `last` while a gap is open. */
  let highest = 0;
  let running: Promise<void> | null = null;
  let again = false;

  async function run(fetchAlerts: FetchAlerts, apply: (alerts: TimelineAlert[], position: number) => void): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      again = false;
      const page = await fetchAlerts(custServId, last);
      apply(page.alerts, page.seq);
      last = Math.max(last, page.seq);
      // Go on while the hub has more, or while a push beyond the answer proved a newer gap.
      if (!page.more && !again && highest <= last) return;
    }
  }

  return {
    get value() {
      return last;
    },
    observe(payload) {
      // Hints carry no seq; another seat's events (a branch room's) are not this stream.
      if (payload.seq === undefined || payload.custServId !== custServId) return true;
      if (payload.seq <= last) return false;
      if (payload.seq === last + 1) {
        last = payload.seq;
        highest = Math.max(highest, last);
        return true;
      }
      // Missed something. The event itself is current state and stores absorb repeats, so it is
      // applied; the position stays until a catch-up covers the gap.
      highest = Math.max(highest, payload.seq);
      options.onGap?.();
      return true;
    },
    reset(value) {
      last = value;
      highest = Math.max(highest, value);
    },
    catchUp(_custServId, fetchAlerts, apply) {
      if (running) {
        // A push proved a gap while a catch-up was under way: run once more after it.
        again = true;
        return running;
      }
      running = run(fetchAlerts, apply).finally(() => {
        running = null;
      });
      return running;
    },
  };
}
