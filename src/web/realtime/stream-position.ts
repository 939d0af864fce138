// Where the console stands in a seat's event stream, and how it catches up from there.
// Today the position is the hub-wide `cursor` and catch-up is `timelineAlerts {since}`; when
// pushes carry a per-seat `seq`, only this file changes (`sinceSeq`, gap detection on observe).
import type { TimelineAlert } from '../api/types';

export interface AlertsPage {
  cursor: number;
  more: boolean;
  alerts: TimelineAlert[];
}

export type FetchAlerts = (custServId: string, since: number) => Promise<AlertsPage>;

export interface StreamPosition {
  /** The position a catch-up resumes from. */
  readonly value: number;
  /** Records a push; answers false when the push is a repeat the caller may skip. */
  observe(payload: { cursor?: number }): boolean;
  /** Sets the position from a loaded snapshot (the timeline's own cursor). */
  reset(value: number): void;
  /** Asks for everything after the position, page by page, handing each page to `apply`. */
  catchUp(custServId: string, fetchAlerts: FetchAlerts, apply: (alerts: TimelineAlert[], position: number) => void): Promise<void>;
}

export function createCursorPosition(start = 0): StreamPosition {
  let cursor = start;
  return {
    get value() {
      return cursor;
    },
    observe(payload) {
      // The hub-wide cursor says when an event was stored, not that nothing came before it,
      // so a push never advances the resume point: only a catch-up answer does.
      return payload.cursor === undefined || payload.cursor > 0;
    },
    reset(value) {
      cursor = value;
    },
    async catchUp(custServId, fetchAlerts, apply) {
      // Bounded: a hub that keeps answering `more` cannot hold the console in a loop.
      for (let round = 0; round < 50; round += 1) {
        const page = await fetchAlerts(custServId, cursor);
        apply(page.alerts, page.cursor);
        cursor = Math.max(cursor, page.cursor);
        if (!page.more) return;
      }
    },
  };
}
