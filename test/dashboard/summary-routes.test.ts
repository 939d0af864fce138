// POST /xd/dashboard/summary over REST: scope by role and its refusals, bad input named by
// field, presence from live sockets, and query plans that never scan messages.
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_SQL } from '../../src/dashboard/summary.repository.js';
import { openStore } from '../../src/db/open-store.js';
import { dayOf } from '../../src/time.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { testEngine } from '../helpers/engine.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, waitFor } from '../helpers/sockets.js';
import { userIdIn } from '../messages/fixtures.js';
import { expectedSummary } from './expected.js';
import { addSecondBranch, type SecondBranch } from './org.js';

const PATH = '/xd/dashboard/summary';
const TZ = 'Asia/Shanghai';

describe('dashboard summary', () => {
  let t: TestHub;
  let org: SecondBranch;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await startHub({ listen: true });
    org = await addSecondBranch(t.hub.store);
    for (const name of ['master', 'admin', 'branch1', 'super1', 'seat1']) tokens[name] = await t.login(name);
    tokens.branch2 = await t.login('branch2', 'branch2123');
  });
  afterAll(() => t.close());

  const ask = (who: string, body?: unknown) => t.call('POST', PATH, { token: tokens[who], body: body ?? {} });

  it("answers today's figures of the demo data by default, as counted from its messages", async () => {
    const today = dayOf(Date.now(), TZ);
    const { status, body } = await ask('master');
    expect(status).toBe(200);
    expect(body.data.date).toBe(today);
    // The demo's messages (stored before the counters' first start) were counted once at start.
    expect(body.data.inbound).toBeGreaterThan(0);
    const { seatsOnline: _s, ...figures } = body.data;
    const expected = await expectedSummary(t.hub.store, TZ, { kind: 'org' }, today);
    expect({ ...figures, seats: figures.seats.map(({ online: _o, ...s }: any) => s) }).toEqual(expected);
    expect(body.data.hourly).toHaveLength(24);
  });

  it('scopes by role: organisation, a chosen branch, the own branch, oneself', async () => {
    const seat1 = await userIdIn(t.hub.store, 'seat1');
    const all = (await ask('master')).body.data;
    expect(all.seats.map((s: any) => Number(s.custServId))).toEqual(expect.arrayContaining([seat1, ...org.seats]));
    const second = (await ask('admin', { branchId: String(org.branchId) })).body.data;
    expect(second.seats.map((s: any) => Number(s.custServId))).toEqual(org.seats);
    const own = (await ask('branch1')).body.data;
    expect(own.seats.map((s: any) => Number(s.custServId))).toEqual([seat1, await userIdIn(t.hub.store, 'seat2')]);
    expect((await ask('super1', { branchId: String(org.firstBranchId) })).body.data.seats).toEqual(own.seats);
    const self = (await ask('seat1')).body.data;
    expect(self.seats.map((s: any) => Number(s.custServId))).toEqual([seat1]);
    expect(self.accountsTotal).toBe(2);
  });

  it('leaves disabled accounts out of the account figures', async () => {
    const seat1 = await userIdIn(t.hub.store, 'seat1');
    const { accounts } = t.hub.store.tables;
    const [account] = (await t.hub.store.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.seatId, seat1)).orderBy(asc(accounts.id)).limit(1)) as [{ id: number }];
    const disable = (disabled: boolean) => t.call('PUT', `/xd/admin/accounts/${account.id}`, { token: tokens.admin, body: { disabled } });
    expect((await disable(true)).status).toBe(200);
    try {
      expect((await ask('seat1')).body.data.accountsTotal).toBe(1);
    } finally {
      expect((await disable(false)).status).toBe(200);
    }
    expect((await ask('seat1')).body.data.accountsTotal).toBe(2);
  });

  it('refuses a branch that is not the caller’s, and an unknown one', async () => {
    const other = { branchId: String(org.branchId) };
    for (const who of ['seat1', 'branch1', 'super1']) {
      const { status, body } = await ask(who, other);
      expect(status, who).toBe(403);
      expect(body).toMatchObject({ code: 403, error: 'forbidden', msg: expect.stringContaining('branchId') });
    }
    expect((await ask('branch2', { branchId: String(org.firstBranchId) })).status).toBe(403);
    expect((await ask('master', { branchId: '999999' })).body).toMatchObject({ code: 404, msg: expect.stringContaining('branchId') });
    expect((await t.call('POST', PATH, { body: {} })).status).toBe(401);
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ date: 'yesterday' }, 'date'],
      [{ date: '2026-02-30' }, 'date'],
      [{ date: 20260301 }, 'date'],
      [{ branchId: 'abc' }, 'branchId'],
      [{ branchId: 7.5 }, 'branchId'],
      [{ branchId: '0' }, 'branchId'],
    ];
    for (const [body, field] of cases) {
      const answer = await ask('master', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: 400, error: 'bad_request', msg: expect.stringContaining(field) });
    }
    const notObject = await t.call('POST', PATH, { token: tokens.master, body: '[1]' });
    expect(notObject.status).toBe(400);
    // As on every POST route, the body is a JSON object (`{}` asks for today's own scope).
    const bare = await t.call('POST', PATH, { token: tokens.master });
    expect(bare.status).toBe(400);
    expect(bare.body.msg).toMatch(/body/);
    expect((await ask('master', {})).body.data.date).toBe(dayOf(Date.now(), TZ));
  });

  it('counts seats online from their live sockets', async () => {
    const seat1 = await userIdIn(t.hub.store, 'seat1');
    const before = (await ask('branch1')).body.data;
    expect(before.seats.find((s: any) => Number(s.custServId) === seat1).online).toBe(false);
    const socket = await connectSocket(t.url, tokens.seat1!);
    try {
      const after = (await ask('branch1')).body.data;
      expect(after.seatsOnline).toBe(before.seatsOnline + 1);
      expect(after.seats.find((s: any) => Number(s.custServId) === seat1).online).toBe(true);
    } finally {
      socket.close();
    }
    await waitFor(() => t.hub.io.sockets.sockets.size === 0, 2000, 'socket closed');
  });

  it('answers fresh figures after any write, from this hub or another process on the database', async () => {
    const inbound = async () => (await ask('master')).body.data.inbound as number;
    const first = await inbound();
    expect(await inbound()).toBe(first);
    const stored = await postCallback(t, 'messageCallback', inboundMessage({ sendTime: Date.now() }));
    expect(stored.status).toBe(200);
    expect(await inbound()).toBe(first + 1);
    // Another process sharing the database writes a counter row directly.
    const other = await openStore(t.hub.config);
    try {
      const { dashboardHours: h } = other.tables;
      const [row] = await other.db.select().from(h).where(eq(h.day, dayOf(Date.now(), TZ))).orderBy(asc(h.branchId), asc(h.seatId), asc(h.hour)).limit(1);
      const key = and(eq(h.day, row!.day), eq(h.branchId, row!.branchId), eq(h.seatId, row!.seatId), eq(h.hour, row!.hour));
      await other.db.update(h).set({ inbound: sql`${h.inbound} + 5` }).where(key);
    } finally {
      await other.close();
    }
    expect(await inbound()).toBe(first + 6);
  });

  // SQLite's query plans of its own SQL (SUMMARY_SQL is the SQLite path).
  it.skipIf(testEngine === 'pg')('reads through indexes and never scans messages', () => {
    const sqlite = t.hub.database.sqlite;
    const params = { day: '2026-03-01', branchId: org.branchId, seatId: org.seats[0] };
    const indexed: Partial<Record<keyof typeof SUMMARY_SQL, string>> = {
      hoursOfOrg: 'sqlite_autoindex_dashboard_hours_1',
      hoursOfBranch: 'sqlite_autoindex_dashboard_hours_1',
      hoursOfSeat: 'dashboard_hours_seat_day',
      seatsOfBranch: 'users_branch_role',
      fansOfSeat: 'fan_events_seat_day',
      unrepliedOfSeat: 'conversations_unanswered',
      unrepliedOfOrg: 'conversations_unanswered',
      accountsOfSeat: 'accounts_seat',
    };
    for (const [name, sql] of Object.entries(SUMMARY_SQL)) {
      const used = Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`@${k}`)));
      const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(used) as { detail: string }[]).map((r) => r.detail);
      expect(plan.join(' | '), name).not.toMatch(/messages/);
      const index = indexed[name as keyof typeof SUMMARY_SQL];
      if (index) {
        expect(plan.some((d) => d.includes(`INDEX ${index}`)), `${name}: ${plan.join(' | ')}`).toBe(true);
        for (const d of plan) if (/^SCAN /.test(d)) expect(d, `${name}: full scan`).toMatch(/USING (COVERING )?INDEX/);
      }
    }
  });
});
