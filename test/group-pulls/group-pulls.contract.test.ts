// Group pull tasks on both engines: their lifecycle (create, list, pause/resume/cancel moves,
// promotion, the paced step, the bridge's answers, the sweep of stale claims) and claiming: two
// stores on one PostgreSQL database, as two hosts, never hold the same step or member.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { createGroupPullsRepository, type GroupPullsRepository } from '../../src/group-pulls/group-pulls.repository.js';
import { engineStores, ENGINES, seed, type Seeded } from '../bridge/contract-stores.js';

const phones = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ phone: `+55119${String(from + i).padStart(7, '0')}`, state: 'pending' as const, reason: null }));

describe.each(ENGINES)('group pulls on %s', (engine) => {
  const stores = engineStores(engine, 'pulls');

  async function setUp(): Promise<{ store: Store; seeded: Seeded; repo: GroupPullsRepository; otherAccount: number }> {
    const store = await stores.fresh();
    const seeded = await seed(store);
    const [other] = await store.db.insert(store.tables.accounts).values({ phone: '+8613800000002', seatId: seeded.otherSeatId }).returning({ id: store.tables.accounts.id });
    return { store, seeded, repo: createGroupPullsRepository(store), otherAccount: other!.id };
  }
  const task = (seeded: Seeded, extra: { groupId?: string; accountId?: number } = {}) => ({
    accountId: extra.accountId ?? seeded.accountId,
    createdBy: seeded.seatId,
    groupId: extra.groupId ?? null,
    groupName: extra.groupId ? null : 'Buyers',
    perMinute: 10,
  });
  const memberRows = async (store: Store, taskId: number) => {
    const { groupPullMembers: m } = store.tables;
    return store.db.select({ id: m.id, state: m.state, reason: m.reason, attempts: m.attempts, notBefore: m.notBefore, claimedAt: m.claimedAt }).from(m).where(eq(m.taskId, taskId)).orderBy(m.id);
  };
  const running = async (store: Store, id: number) => {
    await store.db.update(store.tables.groupPulls).set({ status: 'running' }).where(eq(store.tables.groupPulls.id, id));
  };

  it('creates a task with its members, read back with its owner and counts', async () => {
    const { seeded, repo } = await setUp();
    const id = await repo.create(task(seeded), [...phones(3), { phone: 'bad', state: 'skipped', reason: 'invalid_number' }], 1000);
    expect(await repo.get(id)).toMatchObject({ id, status: 'queued', nextRunAt: 1000, createdAt: 1000, groupName: 'Buyers', seatId: seeded.seatId, branchId: seeded.branchId, phone: seeded.phone });
    expect(await repo.get(999_999)).toBeUndefined();
    expect((await repo.members(id)).map((m) => m.state)).toEqual(['pending', 'pending', 'pending', 'skipped']);
    expect((await repo.countsOf([id, 999_999])).get(id)).toEqual({ total: 4, added: 0, invited: 0, failed: 0, skipped: 1 });
    expect((await repo.countsOf([999_999])).get(999_999)).toEqual({ total: 0, added: 0, invited: 0, failed: 0, skipped: 0 });
    expect((await repo.countsOf([])).size).toBe(0);
    // More members than one statement's chunk.
    const big = await repo.create(task(seeded), phones(450), 1000);
    expect((await repo.countsOf([big])).get(big)!.total).toBe(450);
  });

  it('lists a seat\'s or a branch\'s tasks, newest first, filtered and paged', async () => {
    const { seeded, repo, otherAccount } = await setUp();
    const a = await repo.create(task(seeded), phones(1), 1);
    const b = await repo.create(task(seeded), phones(1), 2);
    const c = await repo.create(task(seeded, { accountId: otherAccount }), phones(1), 3);
    await repo.transition(b, ['queued'], 'paused', 4);
    const ids = (r: { rows: { id: number }[]; total: number }) => [r.rows.map((t) => t.id), r.total];
    expect(ids(await repo.list({ kind: 'seat', seatId: seeded.seatId }, {}, { offset: 0, limit: 10 }))).toEqual([[b, a], 2]);
    expect(ids(await repo.list({ kind: 'branch', branchId: seeded.branchId }, {}, { offset: 0, limit: 2 }))).toEqual([[c, b], 3]);
    expect(ids(await repo.list({ kind: 'branch', branchId: seeded.branchId }, {}, { offset: 2, limit: 2 }))).toEqual([[a], 3]);
    expect(ids(await repo.list({ kind: 'branch', branchId: seeded.branchId }, { status: 'paused' }, { offset: 0, limit: 10 }))).toEqual([[b], 1]);
    expect(ids(await repo.list({ kind: 'branch', branchId: seeded.branchId }, { accountId: otherAccount }, { offset: 0, limit: 10 }))).toEqual([[c], 1]);
    expect(ids(await repo.list({ kind: 'branch', branchId: seeded.branchId + 1 }, {}, { offset: 0, limit: 10 }))).toEqual([[], 0]);
    expect(await repo.account(otherAccount)).toEqual({ id: otherAccount, phone: '+8613800000002', seatId: seeded.otherSeatId, branchId: seeded.branchId });
    expect(await repo.account(999_999)).toBeUndefined();
  });

  it('moves a task only from the states named; a final state stamps finishedAt, a requeue its next run', async () => {
    const { seeded, repo } = await setUp();
    const id = await repo.create(task(seeded), phones(1), 1);
    expect(await repo.transition(id, ['queued', 'running'], 'paused', 10)).toBe(true);
    expect(await repo.transition(id, ['queued', 'running'], 'paused', 11)).toBe(false);
    expect(await repo.transition(id, ['paused'], 'queued', 12)).toBe(true);
    expect(await repo.get(id)).toMatchObject({ status: 'queued', nextRunAt: 12, finishedAt: null });
    expect(await repo.transition(id, ['queued'], 'cancelled', 13, 'by hand')).toBe(true);
    expect(await repo.get(id)).toMatchObject({ status: 'cancelled', statusReason: 'by hand', finishedAt: 13 });
  });

  it('starts the oldest queued task of each account with none running, and lists the running ones due', async () => {
    const { seeded, repo, otherAccount } = await setUp();
    const a1 = await repo.create(task(seeded), phones(1), 5);
    const a2 = await repo.create(task(seeded), phones(1), 1);
    const b1 = await repo.create(task(seeded, { accountId: otherAccount }), phones(1), 3);
    expect((await repo.promoteQueued()).sort((x, y) => x - y)).toEqual([a1, b1]);
    expect(await repo.promoteQueued()).toEqual([]);
    expect((await repo.get(a2))!.status).toBe('queued');
    expect((await repo.dueRunning(4)).map((t) => t.id)).toEqual([b1]);
    expect((await repo.dueRunning(5)).map((t) => t.id)).toEqual([b1, a1]);
    await repo.transition(a1, ['running'], 'done', 6);
    expect(await repo.promoteQueued()).toEqual([a2]);
  });

  it('takes a paced step: due pending members in order, once per snapshot of the task', async () => {
    const { store, seeded, repo } = await setUp();
    const id = await repo.create(task(seeded, { groupId: 'g@g.us' }), phones(5), 0);
    await running(store, id);
    const { groupPullMembers: m } = store.tables;
    const ids = (await memberRows(store, id)).map((r) => r.id);
    await store.db.update(m).set({ notBefore: 500 }).where(eq(m.id, ids[0]!));
    const snapshot = (await repo.get(id))!;
    const claimed = await repo.claimStep(snapshot, { limit: 3, now: 100, creating: false, nextRunAt: (n) => 100 + n * 10 });
    expect(claimed!.map((c) => c.id)).toEqual(ids.slice(1, 4));
    expect(claimed![0]).toEqual({ id: ids[1], phone: phones(5)[1]!.phone, attempts: 0 });
    expect((await repo.get(id))!.nextRunAt).toBe(130);
    expect((await memberRows(store, id)).map((r) => [r.state, r.claimedAt])).toEqual([['pending', null], ['sending', 100], ['sending', 100], ['sending', 100], ['pending', null]]);
    // The same snapshot again: the step is taken.
    expect(await repo.claimStep(snapshot, { limit: 3, now: 100, creating: false, nextRunAt: (n) => 100 + n * 10 })).toBeUndefined();
    expect(await repo.nextWaiting(id)).toEqual({ sending: 3, earliest: 0 });
    // A step with nothing due claims nothing and still moves the pace.
    await store.db.update(m).set({ notBefore: 900 }).where(eq(m.state, 'pending'));
    expect(await repo.claimStep((await repo.get(id))!, { limit: 3, now: 200, creating: false, nextRunAt: (n) => 200 + n * 10 + 7 })).toEqual([]);
    expect((await repo.get(id))!.nextRunAt).toBe(207);
    expect(await repo.nextWaiting(id)).toEqual({ sending: 3, earliest: 900 });
  });

  it('marks a group creation once: a second creating step is refused until it settles', async () => {
    const { store, seeded, repo } = await setUp();
    const id = await repo.create(task(seeded), phones(4), 0);
    await running(store, id);
    const first = await repo.claimStep((await repo.get(id))!, { limit: 2, now: 10, creating: true, nextRunAt: () => 10 });
    expect(first).toHaveLength(2);
    expect((await repo.get(id))!.creatingSince).toBe(10);
    expect(await repo.claimStep((await repo.get(id))!, { limit: 2, now: 20, creating: true, nextRunAt: () => 20 })).toBeUndefined();
    await repo.settle(id, first!.map((c) => ({ id: c.id, state: 'added' as const })), { now: 30, groupId: 'new@g.us' });
    expect(await repo.get(id)).toMatchObject({ groupId: 'new@g.us', creatingSince: null });
    await repo.settle(id, [], { now: 31, clearCreating: true });
    expect((await repo.get(id))!.groupId).toBe('new@g.us');
  });

  it('settles only members still claimed: done states with reasons, retries back to pending', async () => {
    const { store, seeded, repo } = await setUp();
    const id = await repo.create(task(seeded, { groupId: 'g@g.us' }), phones(5), 0);
    await running(store, id);
    const c = (await repo.claimStep((await repo.get(id))!, { limit: 5, now: 10, creating: false, nextRunAt: () => 11 }))!.map((m) => m.id);
    await repo.settle(
      id,
      [
        { id: c[0]!, state: 'added' },
        { id: c[1]!, state: 'invited' },
        { id: c[2]!, state: 'failed', reason: 'not_on_whatsapp' },
        { id: c[3]!, state: 'retry', reason: 'rate_limited', notBefore: 70 },
        { id: c[4]!, state: 'retry', notBefore: 80 },
      ],
      { now: 20 },
    );
    const rows = await memberRows(store, id);
    expect(rows.map((r) => [r.state, r.reason, r.attempts, r.notBefore, r.claimedAt])).toEqual([
      ['added', null, 0, 0, 10],
      ['invited', null, 0, 0, 10],
      ['failed', 'not_on_whatsapp', 0, 0, 10],
      ['pending', null, 1, 70, null],
      ['pending', null, 0, 80, null],
    ]);
    // A member no longer claimed (the sweep failed it, say) keeps its state.
    await repo.settle(id, [{ id: c[3]!, state: 'added' }], { now: 30 });
    expect((await memberRows(store, id))[3]!.state).toBe('pending');
    expect((await repo.countsOf([id])).get(id)).toEqual({ total: 5, added: 1, invited: 1, failed: 1, skipped: 0 });
    expect(await repo.nextWaiting(id)).toEqual({ sending: 0, earliest: 70 });
  });

  it('fails claims a stopped hub left, and a task stopped while creating its group', async () => {
    const { store, seeded, repo, otherAccount } = await setUp();
    const creating = await repo.create(task(seeded), phones(2), 0);
    const adding = await repo.create(task(seeded, { groupId: 'g@g.us', accountId: otherAccount }), phones(2, 10), 0);
    await running(store, creating);
    await running(store, adding);
    await repo.claimStep((await repo.get(creating))!, { limit: 1, now: 100, creating: true, nextRunAt: () => 101 });
    await repo.claimStep((await repo.get(adding))!, { limit: 1, now: 500, creating: false, nextRunAt: () => 501 });
    expect(await repo.failStaleClaims(100, 1000)).toEqual([]);
    expect((await repo.failStaleClaims(200, 1000)).sort()).toEqual([creating]);
    expect(await repo.get(creating)).toMatchObject({ status: 'failed', creatingSince: null, finishedAt: 1000, statusReason: 'interrupted while creating the group' });
    expect((await memberRows(store, creating))[0]).toMatchObject({ state: 'failed', reason: expect.stringContaining('not resent') });
    expect((await memberRows(store, adding))[0]!.state).toBe('sending');
    expect(await repo.failStaleClaims(600, 1000)).toEqual([adding]);
    expect((await repo.get(adding))!.status).toBe('running');
  });

  it('takes a new cursor for each progress hint', async () => {
    const { repo } = await setUp();
    const a = await repo.hintCursor(1);
    expect(await repo.hintCursor(2)).toBeGreaterThan(a);
  });

  it('two hubs on one database claim disjoint work: one takes each step, no member twice', async () => {
    const { store, seeded, repo } = await setUp();
    // PostgreSQL: a second pool on the same database. SQLite's processes share a file the same
    // way, but two connections in one thread would block each other: the same store stands in.
    const other = engine === 'pg' ? createGroupPullsRepository(await stores.again()) : repo;
    const id = await repo.create(task(seeded, { groupId: 'g@g.us' }), phones(40), 0);
    expect(await other.promoteQueued().then(async (a) => [...a, ...(await repo.promoteQueued())])).toEqual([id]);
    const held = new Set<number>();
    let steps = 0;
    for (let t = 1; held.size < 40 && t < 100; t++) {
      const host = async (r: GroupPullsRepository) => {
        const [due] = await r.dueRunning(t);
        return due ? r.claimStep(due, { limit: 3, now: t, creating: false, nextRunAt: () => t + 1 }) : undefined;
      };
      const [a, b] = await Promise.all([host(repo), host(other)]);
      expect([a, b].filter((x) => x !== undefined)).toHaveLength(1);
      steps++;
      for (const member of [...(a ?? []), ...(b ?? [])]) {
        expect(held.has(member.id)).toBe(false);
        held.add(member.id);
      }
    }
    expect(held.size).toBe(40);
    expect(steps).toBe(14);
    expect((await memberRows(store, id)).every((r) => r.state === 'sending')).toBe(true);
  });
});
