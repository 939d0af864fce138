// Group pulls (拉群) as the routes see them: who may start and steer a task, the member list
// decided before anything is sent, and the group:progress push.
import type { AuthUser } from '../auth/auth.repository.js';
import { badRequest, conflict, forbidden, notFound } from '../http/errors.js';
import type { GroupProgressPayload } from '../realtime/events.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import type { GroupPullsRepository, TaskCounts, TaskRow } from './group-pulls.repository.js';

const E164 = /^\+[1-9]\d{6,14}$/;

export interface NewGroupPull {
  accountId: number;
  groupName?: string;
  groupId?: string;
  members: string[];
  perMinute?: number;
}

/** Members as stored: pending, or skipped with the reason, decided before anything is sent. */
export function screenMembers(members: string[], ownPhone: string) {
  const seen = new Set<string>();
  return members.map((raw) => {
    const phone = raw.trim();
    if (!E164.test(phone)) return { phone: raw.slice(0, 64), state: 'skipped' as const, reason: 'invalid_number: not E.164 (+ and 7..15 digits)' };
    if (phone === ownPhone) return { phone, state: 'skipped' as const, reason: "invalid_number: the account's own number" };
    if (seen.has(phone)) return { phone, state: 'skipped' as const, reason: 'duplicate' };
    seen.add(phone);
    return { phone, state: 'pending' as const, reason: null };
  });
}

export function toWire(task: TaskRow, counts: TaskCounts) {
  return {
    taskId: String(task.id),
    accountId: String(task.accountId),
    groupId: task.groupId,
    groupName: task.groupName,
    status: task.status,
    statusReason: task.statusReason,
    perMinute: task.perMinute,
    ...counts,
    createdAt: task.createdAt,
    finishedAt: task.finishedAt,
  };
}

export function createGroupPulls(deps: { repository: GroupPullsRepository; io: HubServer; clock: Clock }) {
  const { repository, io, clock } = deps;

  /** A seat acts on its own accounts, a branch manager on its branch's accounts. */
  function mayUse(user: AuthUser, owner: { seatId: number | null; branchId: number | null }): boolean {
    if (user.role === 'seat') return owner.seatId === user.id;
    if (user.role === 'branch') return user.branchId !== null && owner.branchId === user.branchId;
    return false;
  }

  async function taskFor(user: AuthUser, taskId: number) {
    const task = await repository.get(taskId);
    if (!task) throw notFound('taskId');
    if (!mayUse(user, task)) throw forbidden('taskId: not a task of your accounts');
    return task;
  }

  async function progress(taskId: number): Promise<void> {
    const task = await repository.get(taskId);
    if (!task) return;
    const to = [...(task.seatId !== null ? [rooms.seat(task.seatId)] : []), ...(task.branchId !== null ? [rooms.branch(task.branchId)] : [])];
    if (to.length === 0) return;
    const counts = (await repository.countsOf([taskId])).get(taskId)!;
    const payload: GroupProgressPayload = { taskId: String(taskId), status: task.status, ...counts, cursor: await repository.hintCursor(clock.now()) };
    io.to(to).emit('group:progress', payload);
  }

  async function change(user: AuthUser, taskId: number, action: 'pause' | 'resume' | 'cancel') {
    const task = await taskFor(user, taskId);
    if (task.status === 'done' || task.status === 'failed' || task.status === 'cancelled') throw conflict(`task is ${task.status}`);
    // Asking for the state a task is already in (pause a paused task, resume a running one) changes nothing.
    const moves = {
      pause: { from: ['queued', 'running'], to: 'paused', already: ['paused'] },
      resume: { from: ['paused'], to: 'queued', already: ['queued', 'running'] },
      cancel: { from: ['queued', 'running', 'paused'], to: 'cancelled', already: [] },
    } as const;
    const move = moves[action];
    if (!(move.already as readonly string[]).includes(task.status)) {
      if (!(await repository.transition(taskId, [...move.from], move.to, clock.now()))) throw conflict('task changed meanwhile; read it again');
      await progress(taskId);
    }
    return row(taskId);
  }

  async function row(taskId: number) {
    const task = (await repository.get(taskId))!;
    return toWire(task, (await repository.countsOf([taskId])).get(taskId)!);
  }

  return {
    progress,

    async create(user: AuthUser, input: NewGroupPull): Promise<number> {
      if ((input.groupName === undefined) === (input.groupId === undefined)) throw badRequest('groupName', 'exactly one of groupName (a new group) and groupId (an existing one) is required');
      if (input.groupName !== undefined && input.groupName.trim() === '') throw badRequest('groupName', 'must not be blank');
      const account = await repository.account(input.accountId);
      if (!account) throw notFound('accountId');
      if (!mayUse(user, account)) throw forbidden('accountId: not an account you may use');
      const members = screenMembers(input.members, account.phone);
      const taskId = await repository.create(
        { accountId: account.id, createdBy: user.id, groupId: input.groupId ?? null, groupName: input.groupName?.trim() ?? null, perMinute: input.perMinute ?? 10 },
        members,
        clock.now(),
      );
      await progress(taskId);
      return taskId;
    },

    async list(user: AuthUser, filter: { status?: TaskRow['status']; accountId?: number }, page: { offset: number; limit: number }) {
      if (user.role !== 'seat' && (user.role !== 'branch' || user.branchId === null)) throw forbidden('only seats and branch managers run group pulls');
      const scope = user.role === 'seat' ? ({ kind: 'seat', seatId: user.id } as const) : ({ kind: 'branch', branchId: user.branchId! } as const);
      const { rows, total } = await repository.list(scope, filter, page);
      const counts = await repository.countsOf(rows.map((r) => r.id));
      return { rows: rows.map((r) => toWire(r, counts.get(r.id)!)), total };
    },

    async get(user: AuthUser, taskId: number) {
      await taskFor(user, taskId);
      return { ...(await row(taskId)), members: (await repository.members(taskId)).map((m) => ({ ...m, state: m.state === 'sending' ? 'pending' : m.state })) };
    },

    change,
  };
}

export type GroupPulls = ReturnType<typeof createGroupPulls>;
