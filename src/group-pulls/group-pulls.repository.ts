// Group pull tasks and their members. Every state change is a conditional UPDATE, so two
// scheduler passes (or two hubs, on one SQLite file or one PostgreSQL database) never take the
// same step or the same member: a claim is an UPDATE … WHERE state = 'pending' RETURNING, and a
// row another transaction is claiming makes PostgreSQL wait and then re-check that condition.
import { and, asc, count, desc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { GroupPullStatus, groupPulls } from '../db/schema.js';
import { affected, type Store } from '../db/store.js';
import { claims } from './group-pull-claims.js';

export type { ClaimedMember, MemberOutcome } from './group-pull-claims.js';

export type TaskRow = typeof groupPulls.$inferSelect;
export interface TaskCounts {
  total: number;
  added: number;
  invited: number;
  failed: number;
  skipped: number;
}
export type TaskScope = { kind: 'seat'; seatId: number } | { kind: 'branch'; branchId: number };
export interface TaskOwner {
  seatId: number | null;
  branchId: number | null;
  phone: string;
}
export interface NewTask {
  accountId: number;
  createdBy: number;
  groupId: string | null;
  groupName: string | null;
  perMinute: number;
}
export interface NewMember {
  phone: string;
  state: 'pending' | 'skipped';
  reason: string | null;
}

const FINAL: GroupPullStatus[] = ['done', 'failed', 'cancelled'];

export function createGroupPullsRepository(store: Store) {
  const { accounts, activity, groupPullMembers, groupPulls, users } = store.tables;
  const db = store.db;

  async function countsOf(taskIds: number[]): Promise<Map<number, TaskCounts>> {
    const out = new Map<number, TaskCounts>(taskIds.map((id) => [id, { total: 0, added: 0, invited: 0, failed: 0, skipped: 0 }]));
    if (taskIds.length === 0) return out;
    const rows = await db
      .select({ taskId: groupPullMembers.taskId, state: groupPullMembers.state, n: count() })
      .from(groupPullMembers)
      .where(inArray(groupPullMembers.taskId, taskIds))
      .groupBy(groupPullMembers.taskId, groupPullMembers.state);
    for (const r of rows) {
      const c = out.get(r.taskId)!;
      c.total += r.n;
      if (r.state === 'added' || r.state === 'invited' || r.state === 'failed' || r.state === 'skipped') c[r.state] += r.n;
    }
    return out;
  }

  const scopeCondition = (scope: TaskScope): SQL => (scope.kind === 'seat' ? eq(accounts.seatId, scope.seatId) : eq(users.branchId, scope.branchId));

  return {
    countsOf,

    /** The task with its account's owner, for access checks and pushes. */
    async get(taskId: number): Promise<(TaskRow & TaskOwner) | undefined> {
      const [row] = await db
        .select({ task: groupPulls, seatId: accounts.seatId, branchId: users.branchId, phone: accounts.phone })
        .from(groupPulls)
        .innerJoin(accounts, eq(accounts.id, groupPulls.accountId))
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(eq(groupPulls.id, taskId));
      return row && { ...row.task, seatId: row.seatId, branchId: row.branchId, phone: row.phone };
    },

    async list(scope: TaskScope, filter: { status?: GroupPullStatus; accountId?: number }, page: { offset: number; limit: number }): Promise<{ rows: TaskRow[]; total: number }> {
      const conditions = [scopeCondition(scope)];
      if (filter.status) conditions.push(eq(groupPulls.status, filter.status));
      if (filter.accountId !== undefined) conditions.push(eq(groupPulls.accountId, filter.accountId));
      const rows = await db
        .select({ task: groupPulls })
        .from(groupPulls)
        .innerJoin(accounts, eq(accounts.id, groupPulls.accountId))
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(and(...conditions))
        .orderBy(desc(groupPulls.id))
        .limit(page.limit)
        .offset(page.offset);
      const [counted] = await db
        .select({ n: count() })
        .from(groupPulls)
        .innerJoin(accounts, eq(accounts.id, groupPulls.accountId))
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(and(...conditions));
      return { rows: rows.map((r) => r.task), total: counted?.n ?? 0 };
    },

    async members(taskId: number) {
      return db
        .select({ phone: groupPullMembers.phone, state: groupPullMembers.state, reason: groupPullMembers.reason })
        .from(groupPullMembers)
        .where(eq(groupPullMembers.taskId, taskId))
        .orderBy(asc(groupPullMembers.id));
    },

    /** The task and all its members commit together: a scheduler never sees half a list. */
    async create(task: NewTask, members: NewMember[], now: number): Promise<number> {
      return store.transaction(async (tx) => {
        const [created] = await tx
          .insert(groupPulls)
          .values({ ...task, status: 'queued', nextRunAt: now, createdAt: now })
          .returning({ id: groupPulls.id });
        const id = created!.id;
        // Chunks keep each statement under SQLite's bound-parameter limit.
        for (let i = 0; i < members.length; i += 200) {
          await tx.insert(groupPullMembers).values(members.slice(i, i + 200).map((m) => ({ taskId: id, phone: m.phone, state: m.state, reason: m.reason })));
        }
        return id;
      });
    },

    /** Moves a task between states; false when it was not in one of `from`. */
    async transition(taskId: number, from: GroupPullStatus[], to: GroupPullStatus, now: number, reason: string | null = null): Promise<boolean> {
      const finished = FINAL.includes(to) ? { finishedAt: now } : {};
      const result = await db
        .update(groupPulls)
        .set({ status: to, statusReason: reason, ...finished, ...(to === 'queued' ? { nextRunAt: now } : {}) })
        .where(and(eq(groupPulls.id, taskId), inArray(groupPulls.status, from)));
      return affected(result) > 0;
    },

    /**
     * For each account without a running task, its oldest queued task starts. The outer
     * `status = 'queued'` is re-checked by PostgreSQL on a row another host promoted meanwhile,
     * so that host alone answers it.
     */
    async promoteQueued(): Promise<number[]> {
      const rows = await store.rows<{ id: number }>(sql`
        UPDATE group_pulls SET status = 'running'
        WHERE status = 'queued' AND id IN (
          SELECT min(q.id) FROM group_pulls q
          WHERE q.status = 'queued'
            AND NOT EXISTS (SELECT 1 FROM group_pulls r WHERE r.account_id = q.account_id AND r.status = 'running')
          GROUP BY q.account_id)
        RETURNING id`);
      return rows.map((r) => Number(r.id));
    },

    async dueRunning(now: number): Promise<TaskRow[]> {
      return db.select().from(groupPulls).where(and(eq(groupPulls.status, 'running'), lte(groupPulls.nextRunAt, now))).orderBy(asc(groupPulls.nextRunAt));
    },

    ...claims(store),

    /** A hint's cursor (group:progress carries no seat stream number). */
    async hintCursor(now: number): Promise<number> {
      const [row] = await db.insert(activity).values({ seatId: null, kind: 'group', createdAt: now }).returning({ cursor: activity.cursor });
      return row!.cursor;
    },

    /** The account a pull runs through, with its owner, for access checks. */
    async account(accountId: number): Promise<{ id: number; phone: string; seatId: number | null; branchId: number | null } | undefined> {
      const [row] = await db
        .select({ id: accounts.id, phone: accounts.phone, seatId: accounts.seatId, branchId: users.branchId })
        .from(accounts)
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(eq(accounts.id, accountId));
      return row;
    },
  };
}

export type GroupPullsRepository = ReturnType<typeof createGroupPullsRepository>;
