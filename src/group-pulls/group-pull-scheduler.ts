// Paces group pulls: each running task sends one batch at a time and waits as long as its
// `perMinute` asks before the next; one task runs per account. The database holds every state,
// so a restarted hub carries on where the last one stopped.
//
// Delivery is at most once. A member is claimed (`sending`) in the database before it goes to
// the bridge. When the bridge says the call did nothing (unreachable, 5xx, 429) the claim is
// released and the member retried later; when the outcome is unknown (no answer in time, the
// hub stopped mid-call) the member is failed and never resent, because adding a number to a
// group twice is worse for the account than a member a seat can add again by hand.
import type { GroupPullsRepository, MemberOutcome, TaskRow } from './group-pulls.repository.js';
import { GroupCallError, type GroupBridge, type GroupMemberResult } from './group-bridge.js';
import type { Clock } from '../time.js';

export interface SchedulerDeps {
  repository: GroupPullsRepository;
  bridge: GroupBridge;
  clock: Clock;
  /** The pace's minute; tests shorten it. */
  minuteMs: number;
  /** Longest a bridge call may take: older claims belong to a stopped hub. */
  callTimeoutMs: number;
  /** Told about every change of a task's counts or status. */
  onProgress: (taskId: number) => void;
  onError: (error: unknown) => void;
}

/** The bridge takes at most this many members per create or add call. */
export const BATCH_MAX = 10;
/** A member the bridge rate-limits this many times ends failed with reason rate_limited. */
export const RATE_LIMIT_ATTEMPTS = 5;

/** The bridge's per-member answer, as a member outcome. */
export function outcomeOf(id: number, result: GroupMemberResult | undefined, attempts: number, retryAt: number): MemberOutcome {
  if (!result) return { id, state: 'failed', reason: 'bridge_error: no result for this member' };
  const reason = result.state === 'failed' ? result.reason : result.state;
  if (result.state === 'added' || result.state === 'invited') return { id, state: result.state };
  if (reason === 'rate_limited') {
    return attempts + 1 >= RATE_LIMIT_ATTEMPTS ? { id, state: 'failed', reason: 'rate_limited' } : { id, state: 'retry', reason: 'rate_limited', notBefore: retryAt };
  }
  if (reason === 'not_on_whatsapp' || reason === 'already_member') return { id, state: 'failed', reason };
  return { id, state: 'failed', reason: `bridge_error: ${(reason || `unknown state ${result.state}`).slice(0, 200)}` };
}

export function createGroupPullScheduler(deps: SchedulerDeps) {
  const { repository, bridge, clock } = deps;
  const inFlight = new Map<number, Promise<void>>();
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let lastSweep = -Infinity;
  let ticking = false;

  async function step(task: TaskRow): Promise<void> {
    const now = clock.now();
    const creating = task.groupId === null;
    const batch = Math.min(BATCH_MAX, task.perMinute);
    const perMember = deps.minuteMs / task.perMinute;
    // Whole milliseconds: the times are integer columns (PostgreSQL's bigint refuses a fraction),
    // rounded up so the pace is never faster than asked.
    const retryAt = now + Math.ceil(Math.max(deps.minuteMs / 4, perMember * batch));
    const account = await repository.get(task.id);
    if (!account) return;
    const claimed = await repository.claimStep(task, { limit: batch, now, creating, nextRunAt: (n) => now + Math.ceil(Math.max(1, n) * perMember) });
    if (!claimed) return; // another pass took this step
    if (claimed.length === 0) {
      const waiting = await repository.nextWaiting(task.id);
      if (waiting.earliest === undefined && waiting.sending === 0) {
        if (await repository.transition(task.id, ['running'], 'done', now)) deps.onProgress(task.id);
      }
      return;
    }
    const members = claimed.map((m) => m.phone);
    try {
      let groupId: string | undefined;
      let results: GroupMemberResult[];
      if (creating) {
        ({ groupId, results } = await bridge.createGroup({ phone: account.phone, name: task.groupName ?? '', members }, stopping.signal));
      } else {
        ({ results } = await bridge.addMembers({ phone: account.phone, groupId: task.groupId!, members }, stopping.signal));
      }
      const byMember = new Map(results.map((r) => [r.member, r]));
      const outcomes = claimed.map((m) => outcomeOf(m.id, byMember.get(m.phone), m.attempts, retryAt));
      await repository.settle(task.id, outcomes, { now: clock.now(), groupId });
    } catch (error) {
      const outcome = error instanceof GroupCallError ? error.outcome : 'unknown';
      const reason = `bridge_error: ${(error as Error).message}`.slice(0, 300);
      if (outcome === 'not_sent') {
        await repository.settle(task.id, claimed.map((m) => ({ id: m.id, state: 'retry' as const, notBefore: retryAt })), { now: clock.now(), clearCreating: creating });
      } else {
        const note = outcome === 'unknown' ? `${reason} (not resent: it may have gone through)` : reason;
        await repository.settle(task.id, claimed.map((m) => ({ id: m.id, state: 'failed' as const, reason: note })), { now: clock.now(), clearCreating: creating });
        if (creating) await repository.transition(task.id, ['running', 'paused'], 'failed', clock.now(), `group not created: ${note}`);
      }
    }
    deps.onProgress(task.id);
  }

  async function tick(): Promise<void> {
    if (ticking) return;
    ticking = true;
    try {
      const now = clock.now();
      if (now - lastSweep >= deps.callTimeoutMs) {
        lastSweep = now;
        for (const id of await repository.failStaleClaims(now - deps.callTimeoutMs - 5000, now)) deps.onProgress(id);
      }
      for (const id of await repository.promoteQueued()) deps.onProgress(id);
      for (const task of await repository.dueRunning(now)) {
        if (inFlight.has(task.id) || stopping.signal.aborted) continue;
        const run = step(task)
          .catch(deps.onError)
          .finally(() => inFlight.delete(task.id));
        inFlight.set(task.id, run);
      }
    } catch (error) {
      deps.onError(error);
    } finally {
      ticking = false;
    }
  }

  return {
    tick,
    start(): void {
      // A tick is a few indexed reads; often enough that a short test minute keeps its pace.
      const every = Math.min(250, Math.max(10, Math.floor(deps.minuteMs / 240)));
      void tick();
      timer = setInterval(() => void tick(), every);
      timer.unref();
    },
    /** Stops taking steps and interrupts calls in flight (their members end failed, not resent). */
    async stop(): Promise<void> {
      clearInterval(timer);
      stopping.abort();
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}

export type GroupPullScheduler = ReturnType<typeof createGroupPullScheduler>;
