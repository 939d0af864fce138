// Group pull tasks and their members. Every state change is a conditional UPDATE inside a write
// transaction, so two scheduler passes (or two hub processes on one file) never take the same
// step or the same member.
import { and, asc, count, desc, eq, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import { appendActivitySync } from '../activity/activity.repository.js';
import { writeTransaction, type Db } from '../db/open.js';
import { accounts, groupPullMembers, groupPulls, users, type GroupMemberState, type GroupPullStatus } from '../db/schema.js';

export type TaskRow = typeof groupPulls.$inferSelect;
export interface TaskCounts {
  total: number;
  added: number;
  invited: number;
  failed: number;
  skipped: number;
}
export type TaskScope = { kind: 'seat'; seatId: number } | { kind: 'branch'; branchId: number };
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

const FINAL: GroupPullStatus[] = ['done', 'failed', 'cancelled'];

export function createGroupPullsRepository(db: Db) {
  function countsOf(taskIds: number[]): Map<number, TaskCounts> {
    const out = new Map<number, TaskCounts>(taskIds.map((id) => [id, { total: 0, added: 0, invited: 0, failed: 0, skipped: 0 }]));
    if (taskIds.length === 0) return out;
    const rows = db
      .select({ taskId: groupPullMembers.taskId, state: groupPullMembers.state, n: count() })
      .from(groupPullMembers)
      .where(inArray(groupPullMembers.taskId, taskIds))
      .groupBy(groupPullMembers.taskId, groupPullMembers.state)
      .all();
    for (const r of rows) {
      const c = out.get(r.taskId)!;
      c.total += r.n;
      if (r.state === 'added' || r.state === 'invited' || r.state === 'failed' || r.state === 'skipped') c[r.state] += r.n;
    }
    return out;
  }

  const scopeCondition = (scope: TaskScope): SQL =>
    scope.kind === 'seat' ? eq(accounts.seatId, scope.seatId) : eq(users.branchId, scope.branchId);

  return {
    countsOf,

    /** The task with its account's owner, for access checks and pushes. */
    get(taskId: number): (TaskRow & { seatId: number | null; branchId: number | null; phone: string }) | undefined {
      const row = db
        .select({ task: groupPulls, seatId: accounts.seatId, branchId: users.branchId, phone: accounts.phone })
        .from(groupPulls)
        .innerJoin(accounts, eq(accounts.id, groupPulls.accountId))
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(eq(groupPulls.id, taskId))
        .get();
      return row && { ...row.task, seatId: row.seatId, branchId: row.branchId, phone: row.phone };
    },

    list(scope: TaskScope, filter: { status?: GroupPullStatus; accountId?: number }, page: { offset: number; limit: number }) {
      const conditions = [scopeCondition(scope)];
      if (filter.status) conditions.push(eq(groupPulls.status, filter.status));
      if (filter.accountId !== undefined) conditions.push(eq(groupPulls.accountId, filter.accountId));
      const base = db
        .select({ task: groupPulls })
        .from(groupPulls)
        .innerJoin(accounts, eq(accounts.id, groupPulls.accountId))
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(and(...conditions));
      const rows = base.orderBy(desc(groupPulls.id)).limit(page.limit).offset(page.offset).all().map((r) => r.task);
      const total =
        db
          .select({ n: count() })
          .from(groupPulls)
          .innerJoin(accounts, eq(accounts.id, groupPulls.accountId))
          .leftJoin(users, eq(users.id, accounts.seatId))
          .where(and(...conditions))
          .get()?.n ?? 0;
      return { rows, total };
    },

    members(taskId: number) {
      return db
        .select({ phone: groupPullMembers.phone, state: groupPullMembers.state, reason: groupPullMembers.reason })
        .from(groupPullMembers)
        .where(eq(groupPullMembers.taskId, taskId))
        .orderBy(asc(groupPullMembers.id))
        .all();
    },

    create(task: { accountId: number; createdBy: number; groupId: string | null; groupName: string | null; perMinute: number }, members: { phone: string; state: 'pending' | 'skipped'; reason: string | null }[], now: number): number {
      return writeTransaction(db, (tx) => {
        const id = tx
          .insert(groupPulls)
          .values({ ...task, status: 'queued', nextRunAt: now, createdAt: now })
          .returning({ id: groupPulls.id })
          .get().id;
        for (let i = 0; i < members.length; i += 200) {
          tx.insert(groupPullMembers)
            .values(members.slice(i, i + 200).map((m) => ({ taskId: id, phone: m.phone, state: m.state, reason: m.reason })))
            .run();
        }
        return id;
      });
    },

    /** Moves a task between states; false when it was not in one of `from`. */
    transition(taskId: number, from: GroupPullStatus[], to: GroupPullStatus, now: number, reason: string | null = null): boolean {
      const finished = FINAL.includes(to) ? { finishedAt: now } : {};
      const result = writeTransaction(db, (tx) =>
        tx.update(groupPulls).set({ status: to, statusReason: reason, ...finished, ...(to === 'queued' ? { nextRunAt: now } : {}) }).where(and(eq(groupPulls.id, taskId), inArray(groupPulls.status, from))).run(),
      );
      return result.changes > 0;
    },

    /** For each account without a running task, its oldest queued task starts. */
    promoteQueued(): number[] {
      return writeTransaction(db, (tx) =>
        tx
          .all<{ id: number }>(sql`
            UPDATE group_pulls SET status = 'running'
            WHERE id IN (
              SELECT min(q.id) FROM group_pulls q
              WHERE q.status = 'queued'
                AND NOT EXISTS (SELECT 1 FROM group_pulls r WHERE r.account_id = q.account_id AND r.status = 'running')
              GROUP BY q.account_id)
            RETURNING id`)
          .map((r) => r.id),
      );
    },

    dueRunning(now: number): TaskRow[] {
      return db.select().from(groupPulls).where(and(eq(groupPulls.status, 'running'), lte(groupPulls.nextRunAt, now))).orderBy(asc(groupPulls.nextRunAt)).all();
    },

    /**
     * Takes one paced step of a running task: moves its nextRunAt (only if no one else did) and
     * claims up to `limit` pending members as `sending`, in one transaction. A group creation
     * also marks the task as creating, so a second group is never made.
     */
    claimStep(task: Pick<TaskRow, 'id' | 'nextRunAt'>, options: { limit: number; now: number; nextRunAt: (claimed: number) => number; creating: boolean }): ClaimedMember[] | undefined {
      return writeTransaction(db, (tx) => {
        const members = tx
          .select({ id: groupPullMembers.id, phone: groupPullMembers.phone, attempts: groupPullMembers.attempts })
          .from(groupPullMembers)
          .where(and(eq(groupPullMembers.taskId, task.id), eq(groupPullMembers.state, 'pending'), lte(groupPullMembers.notBefore, options.now)))
          .orderBy(asc(groupPullMembers.id))
          .limit(options.limit)
          .all();
        const guard = [eq(groupPulls.id, task.id), eq(groupPulls.status, 'running'), eq(groupPulls.nextRunAt, task.nextRunAt)];
        if (options.creating) guard.push(isNull(groupPulls.groupId), isNull(groupPulls.creatingSince));
        const moved = tx
          .update(groupPulls)
          .set({ nextRunAt: options.nextRunAt(members.length), ...(options.creating && members.length > 0 ? { creatingSince: options.now } : {}) })
          .where(and(...guard))
          .run();
        if (moved.changes === 0) return undefined;
        if (members.length > 0) {
          tx.update(groupPullMembers).set({ state: 'sending', claimedAt: options.now }).where(inArray(groupPullMembers.id, members.map((m) => m.id))).run();
        }
        return members;
      });
    },

    /** The earliest time a waiting member may be sent, or undefined when none is left to send. */
    nextWaiting(taskId: number): { sending: number; earliest: number | undefined } {
      const row = db
        .select({
          sending: sql<number>`sum(${groupPullMembers.state} = 'sending')`.mapWith(Number),
          earliest: sql<number | null>`min(CASE WHEN ${groupPullMembers.state} = 'pending' THEN ${groupPullMembers.notBefore} END)`,
        })
        .from(groupPullMembers)
        .where(eq(groupPullMembers.taskId, taskId))
        .get();
      return { sending: row?.sending ?? 0, earliest: row?.earliest ?? undefined };
    },

    /** Stores the bridge's answer for claimed members (only those still claimed) and a new group's id. */
    settle(taskId: number, outcomes: MemberOutcome[], options: { groupId?: string; clearCreating?: boolean; now: number }): void {
      writeTransaction(db, (tx) => {
        for (const o of outcomes) {
          const claimed = and(eq(groupPullMembers.id, o.id), eq(groupPullMembers.state, 'sending'));
          const set =
            o.state === 'retry'
              ? { state: 'pending' as GroupMemberState, notBefore: o.notBefore ?? options.now, attempts: sql`${groupPullMembers.attempts} + ${o.reason === 'rate_limited' ? 1 : 0}`, claimedAt: null }
              : { state: o.state as GroupMemberState, reason: o.reason ?? null };
          tx.update(groupPullMembers).set(set).where(claimed).run();
        }
        if (options.groupId !== undefined || options.clearCreating) {
          // A new group's id ends the creating mark; so does a creation that never reached the bridge.
          tx.update(groupPulls)
            .set({ creatingSince: null, ...(options.groupId !== undefined ? { groupId: options.groupId } : {}) })
            .where(eq(groupPulls.id, taskId))
            .run();
        }
      });
    },

    /**
     * Claims older than `before` belong to a hub that stopped mid-call. Their members are failed,
     * not resent (at most once), and a task that was creating its group fails: the group may
     * exist without the hub knowing its id. Answers the tasks touched.
     */
    failStaleClaims(before: number, now: number): number[] {
      return writeTransaction(db, (tx) => {
        const members = tx
          .update(groupPullMembers)
          .set({ state: 'failed', reason: 'bridge_error: interrupted (the hub stopped mid-call; not resent)' })
          .where(and(eq(groupPullMembers.state, 'sending'), lt(groupPullMembers.claimedAt, before)))
          .returning({ taskId: groupPullMembers.taskId })
          .all();
        const creating = tx
          .update(groupPulls)
          .set({ status: 'failed', statusReason: 'interrupted while creating the group', creatingSince: null, finishedAt: now })
          .where(and(isNull(groupPulls.groupId), lt(groupPulls.creatingSince, before), inArray(groupPulls.status, ['queued', 'running', 'paused'])))
          .returning({ id: groupPulls.id })
          .all();
        return [...new Set([...members.map((m) => m.taskId), ...creating.map((c) => c.id)])];
      });
    },

    /** A hint's cursor (group:progress carries no seat stream number). */
    hintCursor(now: number): number {
      return writeTransaction(db, (tx) => appendActivitySync(tx, { seatId: null, kind: 'group', at: now }).cursor);
    },

    /** The account a pull runs through, with its owner, for access checks. */
    account(accountId: number): { id: number; phone: string; seatId: number | null; branchId: number | null } | undefined {
      return db
        .select({ id: accounts.id, phone: accounts.phone, seatId: accounts.seatId, branchId: users.branchId })
        .from(accounts)
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(eq(accounts.id, accountId))
        .get();
    },
  };
}

export type GroupPullsRepository = ReturnType<typeof createGroupPullsRepository>;
