import { eq, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_PAGE_SQL, TIMELINE_PAGE_SQL } from '../../src/conversations/conversations.sqlite.js';
import { seedBridgeMessages } from '../helpers/bridge-seed.js';
import { testEngine } from '../helpers/engine.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { cst, exportConversation, inbound, SEAT1_PHONE, SEAT2_PHONE, setUpCallers, type Callers } from './fixtures.js';
import { expectIndexedPlan } from './plan.js';

// The demo organisation is seeded on June 1st; the tests then run on July 1st, 18:00 CST.
let now = cst('2023-06-01', '12:00:00');

describe('seat conversation lists', () => {
  let t: TestHub;
  let c: Callers;
  const ids: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };
  const post = (path: string, token: string, body: unknown) => t.call('POST', `/xd/client/${path}`, { token, body });

  beforeAll(async () => {
    t = await startHub({ clock: { now: () => now } });
    now = cst('2023-07-01', '18:00:00');
    c = await setUpCallers(t);
    // A: late on June 30 and again on July 1; B: June 30 only; C: the export's conversation on July 1; D: seat2's.
    const seeded = await seedBridgeMessages(t, [
      inbound(SEAT1_PHONE, 'uid-a', 'a1', cst('2023-06-30', '23:59:59', 999), 'a-jun-late', 'Alice'),
      inbound(SEAT1_PHONE, 'uid-b', 'b1', cst('2023-06-30', '12:00:00'), 'b-jun', 'Bob'),
      inbound(SEAT1_PHONE, 'uid-a', 'a2', cst('2023-07-01', '10:00:00'), 'a-jul', 'Alice'),
      inbound(SEAT2_PHONE, 'uid-d', 'd1', cst('2023-07-01', '11:00:00'), 'd-jul', 'Dora'),
      ...exportConversation(),
    ]);
    const receIds = seeded.map((s) => s.receId);
    Object.assign(ids, { A: receIds[0], B: receIds[1], D: receIds[3], C: receIds[4] });
  });
  afterAll(() => t.close());

  describe('getConversations', () => {
    it("lists today's conversations by the day's last message, newest first", async () => {
      const { status, body } = await post('getConversations', c.seat1.token, { custServId: c.seat1.id });
      expect(status).toBe(200);
      expect(body.data.map((r: { receId: string }) => r.receId)).toEqual([ids.C, ids.A]);
      expect(body.data[0]).toEqual({
        receId: ids.C,
        receName: '曾林',
        accountId: expect.stringMatching(/^[1-9]\d*$/),
        convType: 'biDirFriend',
        lastContent: '你好',
        lastContentType: '1',
        lastSendTime: 'Sat Jul 01 10:53:52 CST 2023',
        lastSendTimeMs: cst('2023-07-01', '10:53:52', 300),
        unread: 7,
        cursor: expect.any(Number),
      });
      expect(body.data[1]).toMatchObject({ receName: 'Alice', lastContent: 'a-jul', unread: 2, convType: 'stranger' });
    });

    it('shows a past day with that day\'s last message, split at midnight in TZ_NAME', async () => {
      const { body } = await post('getConversations', c.seat1.token, { custServId: c.seat1.id, date: '2023-06-30' });
      expect(body.data.map((r: { receId: string; lastContent: string; lastSendTime: string }) => [r.receId, r.lastContent, r.lastSendTime])).toEqual([
        [ids.A, 'a-jun-late', 'Fri Jun 30 23:59:59 CST 2023'],
        [ids.B, 'b-jun', 'Fri Jun 30 12:00:00 CST 2023'],
      ]);
      expect((await post('getConversations', c.seat1.token, { custServId: c.seat1.id, date: '2023-07-02' })).body.data).toEqual([]);
    });

    it('refuses a bad date with 400 naming it', async () => {
      for (const date of ['2023-7-1', '2023-06-31']) {
        const { status, body } = await post('getConversations', c.seat1.token, { custServId: c.seat1.id, date });
        expect(status).toBe(400);
        expect(body.msg).toMatch(/date:/);
      }
    });
  });

  describe('timeline', () => {
    it('pages all the seat\'s targets by last message with the hub cursor', async () => {
      const first = await post('timeline', c.seat1.token, { custServId: c.seat1.id, pageNo: 1, pageSize: 2 });
      expect(first.status).toBe(200);
      // C, A, B, then the two demo conversations of June 1st
      expect(first.body.data).toMatchObject({ total: 5, pageno: 1, pageSize: 2 });
      expect(first.body.data.rows.map((r: { receId: string }) => r.receId)).toEqual([ids.C, ids.A]);
      expect(first.body.data.rows[1]).toMatchObject({ lastContent: 'a-jul', lastSendTime: 'Sat Jul 01 10:00:00 CST 2023' });
      const last = await post('timeline', c.seat1.token, { custServId: c.seat1.id, pageno: 3, pageSize: 2 });
      expect(last.body.data.rows).toHaveLength(1);
      expect(last.body.data.rows[0].lastSendTime).toMatch(/^Thu Jun 01 11:5\d:00 CST 2023$/);
      const empty = await post('timeline', c.seat1.token, { custServId: c.seat1.id, pageNo: 4, pageSize: 2 });
      expect(empty.body.data).toMatchObject({ rows: [], total: 5, pageno: 4 });

      const cursor = first.body.data.cursor as number;
      const { activity } = t.hub.store.tables;
      const [maxCursor] = await t.hub.store.db.select({ m: max(activity.cursor) }).from(activity);
      expect(cursor).toBe(maxCursor!.m);
      const [fresh] = await seedBridgeMessages(t, [inbound(SEAT1_PHONE, 'uid-b', 'b2', cst('2023-07-01', '17:00:00'), 'b-back', 'Bob')]);
      const after = await post('timeline', c.seat1.token, { custServId: c.seat1.id, pageNo: 1, pageSize: 2 });
      expect(after.body.data.cursor).toBe(cursor + 1);
      expect(after.body.data.rows[0]).toMatchObject({ receId: fresh!.receId, lastContent: 'b-back', cursor: cursor + 1 });
    });

    it('narrows to a date when given one', async () => {
      const { body } = await post('timeline', c.seat1.token, { custServId: c.seat1.id, date: '2023-06-30', pageNo: 1, pageSize: 10 });
      expect(body.data.total).toBe(2);
      expect(body.data.rows.map((r: { receId: string; lastContent: string }) => [r.receId, r.lastContent])).toEqual([
        [ids.A, 'a-jun-late'],
        [ids.B, 'b-jun'],
      ]);
    });

    it.each([
      ['timeline', 0],
      ['timeline', 201],
      ['getConvTargets', 0],
      ['getConvTargets', 201],
    ])('%s refuses pageSize %i with 400 naming the field', async (path, pageSize) => {
      const { status, body } = await post(path, c.seat1.token, { custServId: c.seat1.id, convType: 'stranger', pageNo: 1, pageSize });
      expect(status).toBe(400);
      expect(body.msg).toMatch(/^body\.pageSize: /);
    });

    // SQLite's query plans of the SQLite statements (PostgreSQL runs its own).
    it.skipIf(testEngine === 'pg')('reads a page through conversations_seat_last, and a day through messages_target_time', () => {
      expectIndexedPlan(t, TIMELINE_PAGE_SQL, { seatId: Number(c.seat1.id), limit: 20, offset: 0 }, 'conversations_seat_last');
      const day = { seatId: Number(c.seat1.id), start: cst('2023-07-01', '00:00:00'), end: cst('2023-07-02', '00:00:00'), limit: 20, offset: 0 };
      const plan = expectIndexedPlan(t, DAY_PAGE_SQL, day, 'messages_target_time');
      expect(plan.some((d) => d.includes('INDEX conversations_seat_last'))).toBe(true);
    });
  });

  describe('getConvTargets', () => {
    it('pages the seat\'s targets of one type, optionally on one account', async () => {
      const friends = await post('getConvTargets', c.seat1.token, { custServId: c.seat1.id, convType: 'biDirFriend', pageNo: 1, pageSize: 10 });
      expect(friends.status).toBe(200);
      // the export's 曾林 and the demo 曾林 on the other account
      expect(friends.body.data.total).toBe(2);
      expect(friends.body.data.rows[0]).toMatchObject({ receId: ids.C, convType: 'biDirFriend' });
      const accountId = friends.body.data.rows[0].accountId as string;
      const onAccount = await post('getConvTargets', c.seat1.token, { custServId: c.seat1.id, convType: 'biDirFriend', accountId, pageNo: 1, pageSize: 10 });
      expect(onAccount.body.data).toMatchObject({ total: 1, rows: [{ receId: ids.C }] });
      const strangers = await post('getConvTargets', c.seat1.token, { custServId: c.seat1.id, convType: 'stranger', pageno: 2, pageSize: 2 });
      expect(strangers.body.data).toMatchObject({ total: 3, pageno: 2, pageSize: 2 });
      expect(strangers.body.data.rows).toHaveLength(1);
    });

    it('refuses an unknown convType, and accounts that are not the caller\'s', async () => {
      const bad = await post('getConvTargets', c.seat1.token, { custServId: c.seat1.id, convType: 'friend', pageNo: 1, pageSize: 10 });
      expect(bad.status).toBe(400);
      expect(bad.body.msg).toMatch(/^body\.convType: must be one of biDirFriend/);
      const { accounts } = t.hub.store.tables;
      const [seat2Account] = await t.hub.store.db.select().from(accounts).where(eq(accounts.phone, SEAT2_PHONE));
      const body = { custServId: c.seat1.id, convType: 'stranger', accountId: String(seat2Account!.id), pageNo: 1, pageSize: 10 };
      expect((await post('getConvTargets', c.seat1.token, body)).status).toBe(403);
      expect((await post('getConvTargets', c.seat1.token, { ...body, accountId: '99999' })).status).toBe(404);
    });

    it("lists a target transferred in, on the giving seat's account", async () => {
      const { db, tables: { accounts, conversations } } = t.hub.store;
      await db.update(conversations).set({ seatId: Number(c.seat1.id) }).where(eq(conversations.targetId, Number(ids.D)));
      try {
        const [seat2Account] = await db.select().from(accounts).where(eq(accounts.phone, SEAT2_PHONE));
        const body = { custServId: c.seat1.id, convType: 'stranger', accountId: String(seat2Account!.id), pageNo: 1, pageSize: 10 };
        const { status, body: answer } = await post('getConvTargets', c.seat1.token, body);
        expect(status).toBe(200);
        expect(answer.data.rows.map((r: { receId: string }) => r.receId)).toEqual([ids.D]);
      } finally {
        await db.update(conversations).set({ seatId: Number(c.seat2.id) }).where(eq(conversations.targetId, Number(ids.D)));
      }
    });
  });

  describe('access on every list', () => {
    const bodies = (custServId: string) => ({
      getConversations: { custServId },
      timeline: { custServId, pageNo: 1, pageSize: 10 },
      getConvTargets: { custServId, convType: 'stranger', pageNo: 1, pageSize: 10 },
    });

    it.each(['getConversations', 'timeline', 'getConvTargets'] as const)('%s: own seat, branch, master and admin read; others get 403/404', async (path) => {
      const call = (caller: keyof Callers, custServId: string) => post(path, c[caller].token, bodies(custServId)[path]);
      for (const caller of ['seat1', 'super1', 'branch1', 'master', 'admin'] as const) {
        expect((await call(caller, c.seat1.id)).status, caller).toBe(200);
      }
      for (const caller of ['seat2', 'branch2', 'super2', 'seat3'] as const) {
        const { status, body } = await call(caller, c.seat1.id);
        expect(status, caller).toBe(403);
        expect(body.msg).toMatch(/custServId/);
      }
      expect((await call('master', '99999')).status).toBe(404);
      // a user who is not a seat has no conversations to list
      expect((await call('master', c.branch1.id)).status).toBe(404);
      expect((await call('seat1', '99999')).status).toBe(403);
      expect((await t.call('POST', `/xd/client/${path}`, { body: bodies(c.seat1.id)[path] })).status).toBe(401);
    });

    it('a supervisor sees the seat2 lists of its branch but not seat3 of another', async () => {
      const mine = await post('getConversations', c.super1.token, { custServId: c.seat2.id });
      expect(mine.body.data.map((r: { receId: string }) => r.receId)).toEqual([ids.D]);
      expect((await post('getConversations', c.super1.token, { custServId: c.seat3.id })).status).toBe(403);
      expect((await post('getConversations', c.super2.token, { custServId: c.seat3.id })).status).toBe(200);
    });
  });
});
