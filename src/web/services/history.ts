// Pages of the open conversation's history: the newest page first, older pages and then older
// days as the seat scrolls up, and a reload after a reconnect that stops at the first page it
// already knows.
import type { HistoryPage } from '../api/types';

export const HISTORY_PAGE = 100;
/** Empty days skipped in one scroll before giving up on older history. */
const MAX_EMPTY_DAYS = 14;

export type FetchHistory = (oocDate: string | undefined, pageNo: number, pageSize: number) => Promise<HistoryPage>;

export function previousDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

export interface HistoryCursor {
  /** The oldest day loaded, and the lowest page of it loaded. */
  day: string | null;
  page: number;
  exhausted: boolean;
}

export function createHistoryPager(fetchPage: FetchHistory, merge: (items: HistoryPage['contGroups']) => number) {
  const state: HistoryCursor = { day: null, page: 1, exhausted: false };
  let today: string | null = null;

  async function lastPages(day: string | undefined): Promise<{ day: string; pages: number; total: number }> {
    const probe = await fetchPage(day, 1, 1);
    const pages = Math.max(1, Math.ceil(probe.total / HISTORY_PAGE));
    return { day: probe.occDate, pages, total: probe.total };
  }

  return {
    state,
    /** The newest page of today (hub's day). */
    async loadLatest(): Promise<void> {
      const { day, pages } = await lastPages(undefined);
      today = day;
      const page = await fetchPage(day, pages, HISTORY_PAGE);
      merge(page.contGroups);
      state.day = day;
      state.page = pages;
      state.exhausted = false;
      // A short last page: bring the one before it too, so the pane starts full.
      if (page.contGroups.length < 20 && pages > 1) await this.loadOlder();
    },
    /** One step further back: the previous page of the day, or the newest page of an older day. */
    async loadOlder(): Promise<number> {
      if (state.exhausted || state.day === null) return 0;
      if (state.page > 1) {
        state.page -= 1;
        return merge((await fetchPage(state.day, state.page, HISTORY_PAGE)).contGroups);
      }
      let day = state.day;
      for (let skipped = 0; skipped < MAX_EMPTY_DAYS; skipped += 1) {
        day = previousDay(day);
        const { pages, total } = await lastPages(day);
        if (total > 0) {
          state.day = day;
          state.page = pages;
          return merge((await fetchPage(day, pages, HISTORY_PAGE)).contGroups);
        }
      }
      state.day = day;
      state.exhausted = true;
      return 0;
    },
    /** After a reconnect: today's pages from the newest back, until one holds a known message. */
    async reload(): Promise<void> {
      const { day, pages } = await lastPages(today ?? undefined);
      for (let page = pages; page >= 1; page -= 1) {
        const answer = await fetchPage(day, page, HISTORY_PAGE);
        const added = merge(answer.contGroups);
        if (added < answer.contGroups.length) break;
      }
      if (today !== null && day !== today) {
        // The day turned while offline: the new day's messages were loaded above; today moves on.
        today = day;
      }
    },
  };
}
