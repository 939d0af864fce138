// Group pulls against the sandbox bridge with a short pace minute: a task runs to done with the
// right counts, pushes group:progress to its seat and branch only, can be paused, resumed and
// cancelled; access and bad input are refused with the right answers.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import type { GroupProgressPayload } from '../../src/realtime/events.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { numbers } from './fake-group-bridge.js';

const MINUTE_MS = 600;

describe('group pulls (sandbox bridge)', () => {
  let t: TestHub;
  let seat1: string;
  let seat2: string;
  let branch1: string;
  let account1: string;
  let account3: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    t = await startHub({ listen: true, env: { GROUP_PULL_MINUTE_MS: String(MINUTE_MS) } });
    [seat1, seat2, branch1] = await Promise.all([t.login('seat1'), t.login('seat2'), t.login('branch1')]);
    const { db, tables } = t.hub.store;
    const accountOf = async (phone: string) => String((await db.select({ id: tables.accounts.id }).from(tables.accounts).where(eq(tables.accounts.phone, phone)))[0]!.id);
    account1 = await accountOf('+8613800000001');
    account3 = await accountOf('+8613800000003');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  const socket = async (token: string) => {
    const s = await connectSocket(t.url, token);
    sockets.push(s);
    return s;
  };
  const start = (token: string, body: Record<string, unknown>) => t.call('POST', '/xd/client/groupPulls', { token, body });
  const task = async (token: string, id: string) => (await t.call('GET', `/xd/client/groupPulls/${id}`, { token })).body.data;
  const lastOf = (events: GroupProgressPayload[], taskId: string) => events.filter((e) => e.taskId === taskId).at(-1);

  it('25 members at 60 a minute end done with the right count in each state; progress reaches the seat and the branch, not another seat', async () => {
    const [seatSocket, branchSocket, otherSeat] = await Promise.all([socket(seat1), socket(branch1), socket(seat2)]);
    const toSeat = collectEvents(seatSocket, 'group:progress');
    const toBranch = collectEvents(branchSocket, 'group:progress');
    const toOther = collectEvents(otherSeat, 'group:progress');
    // 23 distinct valid numbers (…010 and …020 are not on WhatsApp, …009 and …019 get invites),
    // one repeat and one that is not E.164.
    const members = [...numbers(23), '+8613900000001', '8613900000099'];
    const res = await start(seat1, { accountId: account1, groupName: 'Spring promo', members, perMinute: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const taskId = res.body.data.taskId;
    await waitFor(() => lastOf(toSeat, taskId)?.status === 'done', 5000, 'task done');
    const expected = { taskId, status: 'done', total: 25, added: 19, invited: 2, failed: 2, skipped: 2 };
    expect(lastOf(toSeat, taskId)).toEqual({ ...expected, cursor: expect.any(Number) });
    await waitFor(() => lastOf(toBranch, taskId)?.status === 'done', 2000, 'branch sees done');
    expect(toOther).toHaveLength(0);
    // Progress went out as the batches went, not once at the end.
    expect(new Set(toSeat.filter((e) => e.taskId === taskId).map((e) => e.added)).size).toBeGreaterThanOrEqual(3);

    const detail = await task(seat1, taskId);
    expect(detail).toMatchObject({ ...expected, accountId: account1, groupName: 'Spring promo', groupId: expect.stringMatching(/^sandbox-group-/), perMinute: 60, finishedAt: expect.any(Number) });
    const byPhone = new Map(detail.members.map((m: any) => [m.phone, m]));
    expect(byPhone.get('+8613900000010')).toEqual({ phone: '+8613900000010', state: 'failed', reason: 'not_on_whatsapp' });
    expect(byPhone.get('+8613900000019')).toMatchObject({ state: 'invited' });
    expect(byPhone.get('+8613900000005')).toMatchObject({ state: 'added', reason: null });
    expect(detail.members.filter((m: any) => m.state === 'skipped').map((m: any) => m.reason)).toEqual(['duplicate', expect.stringMatching(/^invalid_number/)]);

    const list = (await t.call('GET', '/xd/client/groupPulls?pageSize=50', { token: branch1 })).body.data;
    expect(list.rows.find((r: any) => r.taskId === taskId)).toMatchObject(expected);
    expect((await t.call('GET', '/xd/client/groupPulls?pageSize=50', { token: seat2 })).body.data.rows.some((r: any) => r.taskId === taskId)).toBe(false);
  });

  it('pause holds the task, resume carries on, cancel ends it; a final task answers 409', async () => {
    const seatSocket = await socket(seat2);
    const events = collectEvents(seatSocket, 'group:progress');
    // One a minute: one member per (short) minute.
    const res = await start(seat2, { accountId: account3, groupId: 'existing-group@g.us', members: numbers(6, '+86137000'), perMinute: 1 });
    const taskId = res.body.data.taskId;
    await waitFor(() => (lastOf(events, taskId)?.added ?? 0) >= 1, 3000, 'first member added');
    const paused = await t.call('POST', `/xd/client/groupPulls/${taskId}/pause`, { token: seat2 });
    expect(paused.body.data).toMatchObject({ taskId, status: 'paused' });
    const addedAtPause = (await task(seat2, taskId)).added;
    await new Promise((r) => setTimeout(r, MINUTE_MS * 2));
    expect((await task(seat2, taskId)).added).toBe(addedAtPause);
    expect((await t.call('POST', `/xd/client/groupPulls/${taskId}/pause`, { token: seat2 })).body.data.status).toBe('paused');

    expect((await t.call('POST', `/xd/client/groupPulls/${taskId}/resume`, { token: seat2 })).body.data.status).toMatch(/queued|running/);
    await waitFor(() => (lastOf(events, taskId)?.added ?? 0) > addedAtPause, 3000, 'resumed');
    const cancelled = await t.call('POST', `/xd/client/groupPulls/${taskId}/cancel`, { token: seat2 });
    expect(cancelled.body.data).toMatchObject({ status: 'cancelled', finishedAt: expect.any(Number) });
    const addedAtCancel = (await task(seat2, taskId)).added;
    expect(addedAtCancel).toBeLessThan(6);
    for (const action of ['pause', 'resume', 'cancel']) {
      const again = await t.call('POST', `/xd/client/groupPulls/${taskId}/${action}`, { token: seat2 });
      expect(again).toMatchObject({ status: 409, body: { code: 409, error: 'conflict', msg: expect.stringMatching(/cancelled/) } });
    }
    await new Promise((r) => setTimeout(r, MINUTE_MS * 2));
    expect((await task(seat2, taskId)).added).toBe(addedAtCancel);
    expect(lastOf(events, taskId)?.status).toBe('cancelled');
  });

  it('a seat uses only its own accounts, a branch manager its branch; everyone else is refused', async () => {
    const refused = await start(seat2, { accountId: account1, groupName: 'x', members: ['+8613911111111'] });
    expect(refused).toMatchObject({ status: 403, body: { code: 403, error: 'forbidden', msg: expect.stringMatching(/accountId/) } });
    for (const user of ['super1', 'master', 'admin']) {
      expect((await start(await t.login(user), { accountId: account1, groupName: 'x', members: ['+8613911111111'] })).status).toBe(403);
    }
    const byBranch = await start(branch1, { accountId: account1, groupName: 'branch pull', members: ['+8613911111111'], perMinute: 60 });
    expect(byBranch.status).toBe(200);
    const taskId = byBranch.body.data.taskId;
    expect((await t.call('GET', `/xd/client/groupPulls/${taskId}`, { token: seat1 })).status).toBe(200);
    expect((await t.call('GET', `/xd/client/groupPulls/${taskId}`, { token: seat2 })).status).toBe(403);
    expect((await t.call('POST', `/xd/client/groupPulls/${taskId}/cancel`, { token: seat2 })).status).toBe(403);
    // The manager of another branch sees neither the account nor its tasks.
    const { db, tables } = t.hub.store;
    const [otherBranch] = await db.insert(tables.branches).values({ name: '二部' }).returning({ id: tables.branches.id });
    await db.insert(tables.users).values({ username: 'branch2', name: '分管二', passwordHash: await hashPassword('branch2123'), role: 'branch', branchId: otherBranch!.id });
    const branch2 = await t.login('branch2');
    expect((await start(branch2, { accountId: account1, groupName: 'x', members: ['+8613911111111'] })).status).toBe(403);
    expect((await t.call('GET', `/xd/client/groupPulls/${taskId}`, { token: branch2 })).status).toBe(403);
    expect((await t.call('POST', `/xd/client/groupPulls/${taskId}/pause`, { token: branch2 })).status).toBe(403);
    expect((await t.call('GET', '/xd/client/groupPulls?pageSize=50', { token: branch2 })).body.data).toMatchObject({ rows: [], total: 0 });
    expect((await t.call('GET', '/xd/client/groupPulls/999999', { token: seat1 })).status).toBe(404);
    expect((await start(seat1, { accountId: '999999', groupName: 'x', members: ['+8613911111111'] })).status).toBe(404);
    expect((await t.call('GET', '/xd/client/groupPulls?pageSize=10')).status).toBe(401);
  });

  it('bad input is 400 naming the field, never 500', async () => {
    const base = { accountId: account1, groupName: 'x', members: ['+8613911111111'] };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, members: numbers(1001) }, /members/],
      [{ ...base, members: [] }, /members/],
      [{ ...base, members: [{ phone: '+8613911111111' }] }, /members/],
      [{ ...base, groupId: 'g@g.us' }, /groupName/],
      [{ accountId: account1, members: ['+8613911111111'] }, /groupName/],
      [{ ...base, groupName: '   ' }, /groupName/],
      [{ ...base, perMinute: 61 }, /perMinute/],
      [{ ...base, perMinute: 0 }, /perMinute/],
      [{ ...base, accountId: 'abc' }, /accountId/],
    ];
    const taskCount = async () => (await t.hub.store.db.select({ n: count() }).from(t.hub.store.tables.groupPulls))[0]!.n;
    const before = await taskCount();
    for (const [body, field] of cases) {
      const res = await start(seat1, body);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(res.body.msg).toMatch(field);
    }
    expect(await taskCount()).toBe(before);
    expect((await t.call('GET', '/xd/client/groupPulls?status=sleeping', { token: seat1 })).body.msg).toMatch(/status/);
    expect((await t.call('POST', '/xd/client/groupPulls/abc/pause', { token: seat1 })).body.msg).toMatch(/taskId/);
  });
});
