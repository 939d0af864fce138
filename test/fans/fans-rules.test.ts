// Fan counts per day in TZ_NAME, manual corrections and their limits, and who may do what.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayOf } from '../../src/time.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { storeInbound } from '../helpers/inbound-store.js';
import { accountOf, addSecondBranch, userId } from '../transfers/fixtures.js';

const TZ = 'Asia/Shanghai';
const NOW = Date.UTC(2024, 2, 1, 3, 0, 0); // 2024-03-01 11:00 in Shanghai; the seed's fans land today

describe('fan counts and corrections', () => {
  let t: TestHub;
  let seat1: number;
  let seat2: number;
  let tokens: Record<string, string>;
  beforeEach(async () => {
    t = await startHub({ clock: { now: () => NOW }, env: { TZ_NAME: TZ } });
    seat1 = await userId(t.hub.store, 'seat1');
    seat2 = await userId(t.hub.store, 'seat2');
    const names = ['seat1', 'seat2', 'branch1', 'super1', 'master'];
    const values = await Promise.all(names.map((n) => t.login(n)));
    tokens = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  });
  afterEach(() => t.close());

  const fanCount = (token: string, body: Record<string, unknown>) => t.call('POST', '/xd/client/fanCount', { token, body });
  const correct = (token: string, body: Record<string, unknown>) => t.call('POST', '/xd/client/fans', { token, body });

  it('counts a first message at 23:59:59 and one at 00:00:00 local on different days', async () => {
    const store = t.hub.store;
    const lastSecond = Date.UTC(2024, 1, 29, 15, 59, 59); // Thu Feb 29 23:59:59 CST 2024
    const midnight = lastSecond + 1000; // Fri Mar 01 00:00:00 CST 2024
    // Same UTC day: only the hub's zone separates them.
    expect(dayOf(lastSecond, 'UTC')).toBe(dayOf(midnight, 'UTC'));
    for (const [id, sendTime] of [['late', lastSecond], ['early', midnight]] as const) {
      await storeInbound(store, { phone: '+8613800000001', msgId: id, direction: 'in', from: { id: `uid-${id}` }, contentType: '1', content: '', sendTime }, { tzName: TZ, now: NOW });
    }
    const res = await fanCount(tokens.seat1!, { custServId: String(seat1), from: '2024-02-28', to: '2024-03-02' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { date: '2024-02-28', count: 0 },
      { date: '2024-02-29', count: 1 },
      { date: '2024-03-01', count: 3 }, // two seeded today + the midnight one
      { date: '2024-03-02', count: 0 },
    ]);
  });

  it('answers today only by default, and bounds the range', async () => {
    const today = await fanCount(tokens.seat1!, { custServId: String(seat1) });
    expect(today.body.data).toEqual([{ date: '2024-03-01', count: 2 }]);
    expect((await fanCount(tokens.seat1!, { custServId: String(seat1), from: '2024-02-27' })).body.data).toHaveLength(4);
    expect((await fanCount(tokens.seat1!, { custServId: String(seat1), to: '2024-02-27' })).body.data).toEqual([{ date: '2024-02-27', count: 0 }]);
    const year = await fanCount(tokens.seat1!, { custServId: String(seat1), from: '2023-03-02', to: '2024-03-01' });
    expect(year.body.data).toHaveLength(366);

    const cases: [Record<string, unknown>, RegExp][] = [
      [{ from: '2023-03-01', to: '2024-03-01' }, /^to: the range may span at most 366 days$/],
      [{ from: '0001-01-01', to: '9999-12-31' }, /^to: the range may span at most 366 days$/],
      [{ from: '2024-03-02', to: '2024-03-01' }, /^from: must not be after to/],
      [{ from: '2024-03-05' }, /^from: must not be after to \(2024-03-01\)$/],
      [{ from: '2024-02-30' }, /^from: must be a calendar day/],
      [{ to: '2024/03/01' }, /^body\.to: /],
      [{ from: 20240301 }, /^body\.from: /],
    ];
    for (const [extra, msg] of cases) {
      const res = await fanCount(tokens.seat1!, { custServId: String(seat1), ...extra });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.body.msg).toMatch(msg);
    }
    expect((await fanCount(tokens.seat1!, {})).body.msg).toBe('body.custServId: is required');
  });

  it('lets a seat read only its own counts, managers those of their branch', async () => {
    const store = t.hub.store;
    const other = await addSecondBranch(store);
    const branch2 = await t.login('branch2');
    expect((await fanCount(tokens.seat1!, { custServId: String(seat2) })).status).toBe(403);
    expect((await fanCount(tokens.seat2!, { custServId: String(seat2) })).status).toBe(200);
    expect((await fanCount(tokens.branch1!, { custServId: String(seat2) })).status).toBe(200);
    expect((await fanCount(tokens.super1!, { custServId: String(seat1) })).status).toBe(200);
    expect((await fanCount(tokens.master!, { custServId: String(other.seatId) })).status).toBe(200);
    expect((await fanCount(branch2, { custServId: String(seat1) })).status).toBe(403);
    expect((await fanCount(branch2, { custServId: String(other.seatId) })).body.data).toEqual([{ date: '2024-03-01', count: 0 }]);
    expect((await fanCount(tokens.branch1!, { custServId: '999999' })).status).toBe(404);
    expect((await fanCount(tokens.branch1!, { custServId: String(await userId(store, 'super1')) })).status).toBe(404);
    expect((await t.call('POST', '/xd/client/fanCount', { body: { custServId: String(seat1) } })).status).toBe(401);
  });

  it('corrects within limits, never below zero, and audits each correction', async () => {
    const store = t.hub.store;
    const { db, tables } = store;
    const { fanEvents } = tables;
    const account = String(await accountOf(store, '+8613800000001'));
    expect((await correct(tokens.seat1!, { accountId: account, delta: 5 })).body.data).toEqual({ date: '2024-03-01', count: 7 });
    expect((await correct(tokens.seat1!, { accountId: account, delta: -7, reason: '重复计数' })).body.data).toEqual({ date: '2024-03-01', count: 0 });
    const below = await correct(tokens.seat1!, { accountId: account, delta: -1 });
    expect(below).toMatchObject({ status: 409, body: { code: 409, msg: `delta: would take today's fans of seat ${seat1} below zero (now 0)` } });

    const bad: [unknown, RegExp][] = [
      [0, /^delta: must be a nonzero integer/],
      [1001, /^body\.delta: /],
      [-1001, /^body\.delta: /],
      [1.5, /^body\.delta: /],
    ];
    for (const [delta, msg] of bad) {
      const res = await correct(tokens.seat1!, { accountId: account, delta });
      expect(res.status, String(delta)).toBe(400);
      expect(res.body.msg).toMatch(msg);
    }
    expect((await correct(tokens.seat1!, { accountId: account })).body.msg).toBe('body.delta: is required');
    expect((await correct(tokens.seat1!, { accountId: account, delta: 1, reason: 'x'.repeat(501) })).body.msg).toMatch(/^body\.reason: /);
    expect((await correct(tokens.seat1!, { accountId: account, delta: 1000 })).body.data.count).toBe(1000);

    const audit = await db.select().from(fanEvents).where(eq(fanEvents.byUserId, seat1));
    expect(audit.map((e) => [e.delta, e.reason])).toEqual([[5, null], [-7, '重复计数'], [1000, null]]);
  });

  it('lets a seat correct only its own accounts, managers those of their branch', async () => {
    const store = t.hub.store;
    const { db, tables } = store;
    const { fanEvents } = tables;
    const other = await addSecondBranch(store);
    const branch2 = await t.login('branch2');
    const seat2Account = String(await accountOf(store, '+8613800000003'));
    expect((await correct(tokens.seat1!, { accountId: seat2Account, delta: 1 })).status).toBe(403);
    expect((await correct(branch2, { accountId: seat2Account, delta: 1 })).status).toBe(403);
    expect((await correct(tokens.seat1!, { accountId: '999999', delta: 1 })).status).toBe(404);

    const byManager = await correct(tokens.branch1!, { accountId: seat2Account, delta: 1, reason: '补录' });
    expect(byManager.body.data).toEqual({ date: '2024-03-01', count: 3 });
    expect((await correct(tokens.super1!, { accountId: seat2Account, delta: 1 })).body.data.count).toBe(4);
    expect((await correct(branch2, { accountId: String(other.accountId), delta: 1 })).body.data.count).toBe(1);
    expect((await db.select().from(fanEvents).where(eq(fanEvents.reason, '补录')))[0]).toMatchObject({ seatId: seat2, byUserId: await userId(store, 'branch1') });
    expect((await t.call('POST', '/xd/client/fans', { body: { accountId: seat2Account, delta: 1 } })).status).toBe(401);
  });
});
