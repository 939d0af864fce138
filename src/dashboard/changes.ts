// `dashboard:changed` hints: at most one per second per branch, trailing edge. The first change
// after a quiet second goes out at once; changes inside the second are folded into one push at
// its end, carrying the latest date and cursor, so the last change is always announced. The
// limit holds per hub instance (each throttles the changes it stored). Masters and admins get
// every branch's hint in the `org` room; changes outside any branch go to them only.
import type { DashboardChangedPayload } from '../realtime/events.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';

/** A stored change to the figures of `branchId` (null: no branch) on `day`, at `cursor`. */
export type DashboardChangeListener = (branchId: number | null, day: string, cursor: number) => void;

export interface DashboardChangesDeps {
  io: HubServer;
  intervalMs?: number;
  /** Monotonic milliseconds (tests may pass their own). */
  now?: () => number;
}

interface BranchState {
  lastPushAt: number;
  timer: NodeJS.Timeout | null;
  pending: { day: string; cursor: number } | null;
}

export function createDashboardChanges(deps: DashboardChangesDeps) {
  const intervalMs = deps.intervalMs ?? 1000;
  const now = deps.now ?? (() => performance.now());
  const branches = new Map<number | null, BranchState>();

  function push(branchId: number | null, day: string, cursor: number) {
    const payload: DashboardChangedPayload = { branchId: branchId === null ? null : String(branchId), date: day, cursor };
    const to = branchId === null ? [rooms.org] : [rooms.branch(branchId), rooms.org];
    // One emit to both rooms: a socket in both gets it once.
    deps.io.to(to).emit('dashboard:changed', payload);
  }

  function flush(branchId: number | null, state: BranchState) {
    state.timer = null;
    const pending = state.pending;
    if (!pending) return;
    state.pending = null;
    state.lastPushAt = now();
    push(branchId, pending.day, pending.cursor);
  }

  const changed: DashboardChangeListener = (branchId, day, cursor) => {
    let state = branches.get(branchId);
    if (!state) {
      state = { lastPushAt: -Infinity, timer: null, pending: null };
      branches.set(branchId, state);
    }
    if (state.pending === null || cursor >= state.pending.cursor) state.pending = { day, cursor };
    if (state.timer) return;
    const wait = state.lastPushAt + intervalMs - now();
    if (wait <= 0) return flush(branchId, state);
    const held = state;
    state.timer = setTimeout(() => flush(branchId, held), wait);
    state.timer.unref();
  };

  return {
    changed,
    close() {
      for (const state of branches.values()) if (state.timer) clearTimeout(state.timer);
      branches.clear();
    },
  };
}

export type DashboardChanges = ReturnType<typeof createDashboardChanges>;
