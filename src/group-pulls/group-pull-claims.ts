// The scheduler's claims on group pull work: a task's next paced step, its pending members, the
// bridge's answers for them, and the sweep of claims a stopped hub left behind. Two schedulers
// (two hubs on one database) may run these at once; each claim is a conditional UPDATE whose
// RETURNING says what this caller, and no other, now holds.
import { and, asc, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { GroupMemberState, groupPulls } from '../db/schema.js';
import { affected, type Store } from '../db/store.js';

export interface ClaimedMember {
  id: number;
  phone: string;
  attempts: number;
}
export interface MemberOutcome {
  id: number;
  state: 'added' | 'invited' | 'failed' | 'retry';
  reason?: string;
  notBefore?: number;
}
export interface StepOptions {
  limit: number;
  now: number;
  /** The task's next run once this step claimed `claimed` members; must move it forward. */
  nextRunAt: (claimed: number) => number;
  /** This step creates the group: mark the task so a second group is never made. */
  creating: boolean;
}

type Task = Pick<typeof groupPulls.$inferSelect, 'id' | 'nextRunAt'>;

export function claims(store: Store) {
  const { groupPullMembers, groupPulls } = store.tables;
  const db = store.db;

  return {
    /**
     * Takes one paced step of a running task, in one transaction: first the task's step (only if
     * its nextRunAt is still the one this caller read: the UPDATE locks the row, so a second
     * caller on PostgreSQL waits, then finds it moved), then up to `limit` pending members as
     * `sending`. Undefined when another caller took the step.
     */
    async claimStep(task: Task, options: StepOptions): Promise<ClaimedMember[] | undefined> {
      return store.transaction(async (tx) => {
        const guard = [eq(groupPulls.id, task.id), eq(groupPulls.status, 'running'), eq(groupPulls.nextRunAt, task.nextRunAt)];
        if (options.creating) guard.push(isNull(groupPulls.groupId), isNull(groupPulls.creatingSince));
        // Moved for a step of no members; moved again below once the claim's size is known.
        const stepped = await tx.update(groupPulls).set({ nextRunAt: options.nextRunAt(0) }).where(and(...guard));
        if (affected(stepped) === 0) return undefined;
        const pending = tx
          .select({ id: groupPullMembers.id })
          .from(groupPullMembers)
          .where(and(eq(groupPullMembers.taskId, task.id), eq(groupPullMembers.state, 'pending'), lte(groupPullMembers.notBefore, options.now)))
          .orderBy(asc(groupPullMembers.id))
          .limit(options.limit);
        const members = await tx
          .update(groupPullMembers)
          .set({ state: 'sending', claimedAt: options.now })
          .where(and(inArray(groupPullMembers.id, pending), eq(groupPullMembers.state, 'pending')))
          .returning({ id: groupPullMembers.id, phone: groupPullMembers.phone, attempts: groupPullMembers.attempts });
        // RETURNING promises no order; the bridge gets members in the order they were listed.
        members.sort((a, b) => a.id - b.id);
        if (members.length > 0) {
          await tx
            .update(groupPulls)
            .set({ nextRunAt: options.nextRunAt(members.length), ...(options.creating ? { creatingSince: options.now } : {}) })
            .where(eq(groupPulls.id, task.id));
        }
        return members;
      });
    },

    /** The earliest time a waiting member may be sent, or undefined when none is left to send. */
    async nextWaiting(taskId: number): Promise<{ sending: number; earliest: number | undefined }> {
      const [row] = await db
        .select({
          // CASE, not a boolean sum: PostgreSQL has no sum(boolean), and answers numeric/bigint as text.
          sending: sql<number>`coalesce(sum(CASE WHEN ${groupPullMembers.state} = 'sending' THEN 1 ELSE 0 END), 0)`.mapWith(Number),
          earliest: sql<number | null>`min(CASE WHEN ${groupPullMembers.state} = 'pending' THEN ${groupPullMembers.notBefore} END)`.mapWith(Number),
        })
        .from(groupPullMembers)
        .where(eq(groupPullMembers.taskId, taskId));
      return { sending: row?.sending ?? 0, earliest: row?.earliest ?? undefined };
    },

    /** Stores the bridge's answer for claimed members (only those still claimed) and a new group's id. */
    async settle(taskId: number, outcomes: MemberOutcome[], options: { groupId?: string; clearCreating?: boolean; now: number }): Promise<void> {
      await store.transaction(async (tx) => {
        for (const o of outcomes) {
          const claimed = and(eq(groupPullMembers.id, o.id), eq(groupPullMembers.state, 'sending'));
          const set =
            o.state === 'retry'
              ? { state: 'pending' as GroupMemberState, notBefore: o.notBefore ?? options.now, attempts: sql`${groupPullMembers.attempts} + ${o.reason === 'rate_limited' ? 1 : 0}`, claimedAt: null }
              : { state: o.state as GroupMemberState, reason: o.reason ?? null };
          await tx.update(groupPullMembers).set(set).where(claimed);
        }
        if (options.groupId !== undefined || options.clearCreating) {
          // A new group's id ends the creating mark; so does a creation that never reached the bridge.
          await tx
            .update(groupPulls)
            .set({ creatingSince: null, ...(options.groupId !== undefined ? { groupId: options.groupId } : {}) })
            .where(eq(groupPulls.id, taskId));
        }
      });
    },

    /**
     * Claims older than `before` belong to a hub that stopped mid-call. Their members are failed,
     * not resent (at most once), and a task that was creating its group fails: the group may
     * exist without the hub knowing its id. Answers the tasks touched.
     */
    async failStaleClaims(before: number, now: number): Promise<number[]> {
      return store.transaction(async (tx) => {
        const members = await tx
          .update(groupPullMembers)
          .set({ state: 'failed', reason: 'bridge_error: interrupted (the hub stopped mid-call; not resent)' })
          .where(and(eq(groupPullMembers.state, 'sending'), lt(groupPullMembers.claimedAt, before)))
          .returning({ taskId: groupPullMembers.taskId });
        const creating = await tx
          .update(groupPulls)
          .set({ status: 'failed', statusReason: 'interrupted while creating the group', creatingSince: null, finishedAt: now })
          .where(and(isNull(groupPulls.groupId), lt(groupPulls.creatingSince, before), inArray(groupPulls.status, ['queued', 'running', 'paused'])))
          .returning({ id: groupPulls.id });
        return [...new Set([...members.map((m) => m.taskId), ...creating.map((c) => c.id)])];
      });
    },
  };
}
