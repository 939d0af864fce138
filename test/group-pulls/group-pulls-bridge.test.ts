// Group pulls through the hub protocol against a local bridge: signed calls, the pace between
// batches, one running task per account, a hub stopped mid-task (and one that died mid-call)
// sending no member twice, a bridge outage ridden out, rate-limited members retried.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, count, eq, max } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/db/open-store.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/sockets.js';
import { eventually } from '../messages/fixtures.js';
import { addEveryone, numbers, startFakeGroupBridge, type FakeGroupBridge } from './fake-group-bridge.js';

describe('group pulls through the hub protocol', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function hubWith(bridge: FakeGroupBridge, minuteMs: number, dir?: string): Promise<TestHub> {
    const t = await startHub({ dir, env: { PROTOCOL_URL: bridge.url, GROUP_PULL_MINUTE_MS: String(minuteMs) } });
    cleanup.push(() => t.close());
    return t;
  }
  async function bridgeWith(answer = addEveryone) {
    const bridge = await startFakeGroupBridge(answer);
    cleanup.push(() => bridge.stop().catch(() => undefined));
    return bridge;
  }
  const accountOf = async (t: TestHub, phone: string) => {
    const { accounts } = t.hub.store.tables;
    const [row] = await t.hub.store.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, phone));
    return String(row!.id);
  };
  const status = async (t: TestHub, taskId: string) => {
    const { groupPulls } = t.hub.store.tables;
    const [row] = await t.hub.store.db.select({ status: groupPulls.status }).from(groupPulls).where(eq(groupPulls.id, Number(taskId)));
    return row?.status;
  };
  const expectNoRepeats = (sent: string[]) => expect(sent.length).toBe(new Set(sent).size);

  it('paces the batches, creates the group with 10 then adds, and runs one task per account at a time', async () => {
    const bridge = await bridgeWith();
    const t = await hubWith(bridge, 1200); // 60 a minute: 20 ms a member, 200 ms a batch of 10
    const seat = await t.login('seat1');
    const accountId = await accountOf(t, '+8613800000001');
    const first = await t.call('POST', '/xd/client/groupPulls', { token: seat, body: { accountId, groupName: 'Team A', members: numbers(25), perMinute: 60 } });
    const second = await t.call('POST', '/xd/client/groupPulls', { token: seat, body: { accountId, groupId: 'other@g.us', members: numbers(3, '+86136000'), perMinute: 60 } });
    await waitFor(() => bridge.calls.length >= 1, 3000, 'first call');
    expect(await status(t, second.body.data.taskId)).toBe('queued');
    await eventually(async () => (await status(t, second.body.data.taskId)) === 'done', 5000, 'both done');
    expect(await status(t, first.body.data.taskId)).toBe('done');

    expect(bridge.calls.map((c) => [c.path, c.body.members.length])).toEqual([
      ['/group/create', 10],
      ['/group/add', 10],
      ['/group/add', 5],
      ['/group/add', 3],
    ]);
    expect(bridge.calls[0]!.body).toMatchObject({ phone: '+8613800000001', name: 'Team A' });
    expect(bridge.calls[1]!.body.groupId).toBe('g-1@g.us');
    expect(bridge.calls[3]!.body.groupId).toBe('other@g.us');
    // 10 members at 20 ms each: a batch waits ~200 ms after the previous one was sent (the first
    // call's arrival also carries the connection's set-up, so it is measured from the second).
    expect(bridge.calls[2]!.at - bridge.calls[1]!.at).toBeGreaterThanOrEqual(180);
    expect(bridge.calls[2]!.at - bridge.calls[0]!.at).toBeGreaterThanOrEqual(300);
    expectNoRepeats(bridge.sent());
    const detail = (await t.call('GET', `/xd/client/groupPulls/${first.body.data.taskId}`, { token: seat })).body.data;
    expect(detail).toMatchObject({ status: 'done', total: 25, added: 25, groupId: 'g-1@g.us' });
  });

  it('a hub stopped mid-task (even mid-call) and started again sends no member twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-restart-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    // The third call hangs: the hub is stopped while it is out.
    const bridge = await bridgeWith((call, n) => (n === 3 ? undefined : addEveryone(call, n)));
    const first = await startHub({ dir, env: { PROTOCOL_URL: bridge.url, GROUP_PULL_MINUTE_MS: '600' } });
    cleanup.push(() => first.close());
    const seat = await first.login('seat1');
    const res = await first.call('POST', '/xd/client/groupPulls', { token: seat, body: { accountId: await accountOf(first, '+8613800000001'), groupName: 'Restart', members: numbers(40), perMinute: 60 } });
    const taskId = res.body.data.taskId;
    await waitFor(() => bridge.calls.length === 3, 5000, 'third call out');
    // The hub stops; its database stays for the next hub on the dir.
    await first.hub.close();
    expect(bridge.calls).toHaveLength(3);
    const interrupted = bridge.calls[2]!.body.members;

    // As if another hub had died holding two claims: they must be failed, never sent.
    const raw = await openStore(first.hub.config);
    const { groupPullMembers: members } = raw.tables;
    const held = await raw.db
      .select({ id: members.id, phone: members.phone })
      .from(members)
      .where(and(eq(members.taskId, Number(taskId)), eq(members.state, 'pending')))
      .orderBy(asc(members.id))
      .limit(2);
    for (const m of held) await raw.db.update(members).set({ state: 'sending', claimedAt: 1 }).where(eq(members.id, m.id));
    await raw.close();

    const second = await hubWith(bridge, 600, dir);
    await eventually(async () => (await status(second, taskId)) === 'done', 5000, 'done after restart');
    const sent = bridge.sent();
    expectNoRepeats(sent);
    for (const m of held) expect(sent).not.toContain(m.phone);
    const detail = (await second.call('GET', `/xd/client/groupPulls/${taskId}`, { token: await second.login('seat1') })).body.data;
    expect(detail).toMatchObject({ status: 'done', total: 40, added: 40 - interrupted.length - held.length, failed: interrupted.length + held.length });
    for (const m of detail.members.filter((x: any) => x.state === 'failed')) expect(m.reason).toMatch(/^bridge_error: .*(interrupted|not resent)/);
    expect(detail.members.filter((x: any) => x.state === 'added').map((x: any) => x.phone).sort()).toEqual(sent.filter((p) => !interrupted.includes(p)).sort());
  });

  it('a bridge outage leaves the task running and retrying; it finishes when the bridge returns', async () => {
    const bridge = await bridgeWith();
    // 40 ms a member, 400 ms a batch of 10; a call the bridge did not take is retried 600 ms later.
    const t = await hubWith(bridge, 2400);
    const seat = await t.login('seat1');
    const res = await t.call('POST', '/xd/client/groupPulls', { token: seat, body: { accountId: await accountOf(t, '+8613800000001'), groupName: 'Outage', members: numbers(30), perMinute: 60 } });
    const taskId = res.body.data.taskId;
    await waitFor(() => bridge.calls.length >= 1, 3000, 'first call');
    await bridge.stop();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await status(t, taskId)).toBe('running');
    const { groupPullMembers: members } = t.hub.store.tables;
    const [during] = await t.hub.store.db
      .select({ pending: count(), retryAt: max(members.notBefore) })
      .from(members)
      .where(and(eq(members.taskId, Number(taskId)), eq(members.state, 'pending')));
    expect(during!.pending).toBe(20);
    // The failed attempts put the batch off for later: the task is retrying, not stuck.
    expect(during!.retryAt).toBeGreaterThan(0);
    expect(bridge.calls).toHaveLength(1);
    // A 503 from a bridge that is back but busy is also retried.
    let busy = 2;
    bridge.answer = (call, n) => (busy-- > 0 ? { status: 503, body: {} } : addEveryone(call, n));
    await bridge.restart();
    await eventually(async () => (await status(t, taskId)) === 'done', 8000, 'done after outage');
    expect(bridge.calls.map((c) => c.path)).toEqual(['/group/create', '/group/add', '/group/add', '/group/add', '/group/add']);
    const detail = (await t.call('GET', `/xd/client/groupPulls/${taskId}`, { token: seat })).body.data;
    expect(detail).toMatchObject({ status: 'done', added: 30, failed: 0 });
    // Only the calls the bridge answered 2xx added anyone, each member once.
    const accepted = bridge.calls.filter((_, i) => i === 0 || i >= 3).flatMap((c) => c.body.members);
    expectNoRepeats(accepted);
    expect(accepted).toHaveLength(30);
  });

  it('rate-limited members are retried later, not dropped; other per-member answers end failed with their reason', async () => {
    const limited = new Map<string, number>();
    const bridge = await bridgeWith((call) => ({
      status: 200,
      body: {
        ...(call.path === '/group/create' ? { groupId: 'g-9@g.us' } : {}),
        results: call.body.members.map((member) => {
          if (member.endsWith('02') && (limited.get(member) ?? 0) < 2) {
            limited.set(member, (limited.get(member) ?? 0) + 1);
            return { member, state: 'failed', reason: 'rate_limited' };
          }
          if (member.endsWith('03')) return { member, state: 'failed', reason: 'already_member' };
          if (member.endsWith('04')) return { member, state: 'weird' };
          if (member.endsWith('05')) return { member, state: 'rate_limited' }; // always: gives up after 5 tries
          return { member, state: 'added' };
        }),
      },
    }));
    const t = await hubWith(bridge, 200);
    const seat = await t.login('seat1');
    const res = await t.call('POST', '/xd/client/groupPulls', { token: seat, body: { accountId: await accountOf(t, '+8613800000001'), groupName: 'Limits', members: numbers(6), perMinute: 60 } });
    await eventually(async () => (await status(t, res.body.data.taskId)) === 'done', 8000, 'done');
    const detail = (await t.call('GET', `/xd/client/groupPulls/${res.body.data.taskId}`, { token: seat })).body.data;
    const state = (suffix: string) => detail.members.find((m: any) => m.phone.endsWith(suffix));
    expect(state('02')).toMatchObject({ state: 'added' });
    expect(state('03')).toEqual({ phone: '+8613900000003', state: 'failed', reason: 'already_member' });
    expect(state('04')).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^bridge_error: /) });
    expect(state('05')).toMatchObject({ state: 'failed', reason: 'rate_limited' });
    expect(bridge.sent().filter((p) => p.endsWith('05'))).toHaveLength(5);
    expect(bridge.sent().filter((p) => p.endsWith('01'))).toHaveLength(1);
    expect(detail).toMatchObject({ total: 6, added: 3, failed: 3 });
  });

  it('a bridge that refuses to create the group (4xx) fails the task with the reason and sends nothing more', async () => {
    const bridge = await bridgeWith((call, n) => (call.path === '/group/create' ? { status: 400, body: { msg: 'name too long' } } : addEveryone(call, n)));
    const t = await hubWith(bridge, 600);
    const seat = await t.login('seat1');
    const accountId = await accountOf(t, '+8613800000001');
    const created = await t.call('POST', '/xd/client/groupPulls', { token: seat, body: { accountId, groupName: 'Refused', members: numbers(12), perMinute: 60 } });
    await eventually(async () => (await status(t, created.body.data.taskId)) === 'failed', 3000, 'failed');
    const detail = (await t.call('GET', `/xd/client/groupPulls/${created.body.data.taskId}`, { token: seat })).body.data;
    expect(detail).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/^group not created: bridge_error: bridge \/group\/create: HTTP 400/), failed: 10, added: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(bridge.calls).toHaveLength(1);
  });
});
