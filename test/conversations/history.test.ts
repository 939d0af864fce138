import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_PAGE_SQL, HISTORY_SUMMARY_SQL } from '../../src/conversations/history.sqlite.js';
import { seedBridgeMessages } from '../helpers/bridge-seed.js';
import { testEngine } from '../helpers/engine.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { cst, exportConversation, inbound, SEAT1_PHONE, SEAT2_PHONE, setUpCallers, type Callers } from './fixtures.js';
import { expectIndexedPlan } from './plan.js';

// The export's answer for page 2, verbatim (seed/000_4404d1714dac04a5.txt).
const EXPORT = JSON.parse(`{"msg":"操作成功","code":200,"data":{"custServId":"2844","convType":"biDirFriend",
 "occDate":"2023-07-01","receId":"187","lastSendTime":"Sat Jul 01 10:53:52 CST 2023","receName":"曾林","total":14,
 "pageno":2,"pageSize":10,"contGroups":[
 {"contentType":"1","content":"你好这个产品怎么用","sendTime":"Sat Jul 01 10:53:52 CST 2023","contReadState":"0","sender":1},
 {"contentType":"1","content":"你好","sendTime":"Sat Jul 01 10:53:52 CST 2023","contReadState":"0","sender":0},
 {"contentType":"1","content":"你好这个产品怎么用","sendTime":"Sat Jul 01 10:53:52 CST 2023","contReadState":"0","sender":1},
 {"contentType":"1","content":"你好","sendTime":"Sat Jul 01 10:53:52 CST 2023","contReadState":"0","sender":0}]}}`);
const EXTRA_ITEM_KEYS = ['msgId', 'sendTimeMs', 'status', 'thumb'];

describe('POST /xd/client/retrievePastRecords', () => {
  let t: TestHub;
  let c: Callers;
  let receId: string;
  let seat2ReceId: string;
  const records = (token: string, body: Record<string, unknown>) => t.call('POST', '/xd/client/retrievePastRecords', { token, body });
  const exportBody = (extra: Record<string, unknown> = {}) => ({
    custServId: c.seat1.id,
    oocDate: '2023-07-01',
    convType: 'biDirFriend',
    receId,
    pageno: 1,
    pageSize: 10,
    ...extra,
  });

  beforeAll(async () => {
    t = await startHub({ clock: { now: () => cst('2023-07-01', '18:00:00') } });
    c = await setUpCallers(t);
    const seeded = await seedBridgeMessages(t, exportConversation());
    receId = seeded[0]!.receId;
    expect(new Set(seeded.map((s) => s.receId)).size).toBe(1);
    const [other] = await seedBridgeMessages(t, [inbound(SEAT2_PHONE, 'wa-other', 'o1', cst('2023-07-01', '09:00:00'))]);
    seat2ReceId = other!.receId;
  });
  afterAll(() => t.close());

  it("answers page 2 of the export's example in the export's keys and formats", async () => {
    const { status, body } = await records(c.seat1.token, exportBody({ pageno: 2 }));
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(Object.keys(EXPORT).sort());
    expect({ msg: body.msg, code: body.code }).toEqual({ msg: EXPORT.msg, code: EXPORT.code });
    expect(Object.keys(body.data).sort()).toEqual(Object.keys(EXPORT.data).sort());
    const { custServId, receId: rid, contGroups, ...rest } = body.data;
    const { custServId: _c, receId: _r, contGroups: exportGroups, ...exportRest } = EXPORT.data;
    expect(rest).toEqual(exportRest);
    expect(custServId).toBe(c.seat1.id);
    expect(rid).toBe(receId);
    expect(rid).toMatch(/^[1-9]\d*$/);
    expect(contGroups).toHaveLength(4);
    contGroups.forEach((item: Record<string, unknown>, i: number) => {
      expect(Object.keys(item).sort()).toEqual([...Object.keys(exportGroups[i]), ...EXTRA_ITEM_KEYS].sort());
      const exportKeys = Object.fromEntries(Object.keys(exportGroups[i]).map((k) => [k, item[k]]));
      expect(exportKeys).toEqual(exportGroups[i]);
      expect(item.msgId).toMatch(/^[1-9]\d*$/);
      expect(item.sendTimeMs).toBe(cst('2023-07-01', '10:53:52', i * 100));
    });
  });

  it('accepts pageNo as well as pageno, oldest first on page 1', async () => {
    const { body } = await records(c.seat1.token, exportBody({ pageno: undefined, pageNo: 1 }));
    expect(body.data.pageno).toBe(1);
    const items = body.data.contGroups;
    expect(items).toHaveLength(10);
    expect(items[0].sendTime).toBe('Sat Jul 01 10:40:00 CST 2023');
    expect(items.map((m: { sendTimeMs: number }) => m.sendTimeMs)).toEqual([...items.map((m: { sendTimeMs: number }) => m.sendTimeMs)].sort((a, b) => a - b));
    expect(items.map((m: { sender: number }) => m.sender)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
  });

  it('pages to the last item exactly and answers an empty page past the end', async () => {
    const last = await records(c.seat1.token, exportBody({ pageno: 14, pageSize: 1 }));
    expect(last.body.data.contGroups).toHaveLength(1);
    expect(last.body.data.contGroups[0].sendTimeMs).toBe(cst('2023-07-01', '10:53:52', 300));
    const whole = await records(c.seat1.token, exportBody({ pageSize: 14 }));
    expect(whole.body.data.contGroups).toHaveLength(14);
    const past = await records(c.seat1.token, exportBody({ pageno: 3 }));
    expect(past.status).toBe(200);
    expect(past.body.data).toMatchObject({ total: 14, pageno: 3, pageSize: 10, contGroups: [], lastSendTime: 'Sat Jul 01 10:53:52 CST 2023' });
  });

  it('echoes convType (not a filter) and fills it from the target when absent', async () => {
    const echoed = await records(c.seat1.token, exportBody({ convType: 'group' }));
    expect(echoed.body.data).toMatchObject({ convType: 'group', total: 14 });
    const filled = await records(c.seat1.token, exportBody({ convType: undefined }));
    expect(filled.body.data.convType).toBe('biDirFriend');
  });

  it('defaults oocDate to today in TZ_NAME and answers null lastSendTime for a silent day', async () => {
    const today = await records(c.seat1.token, exportBody({ oocDate: undefined }));
    expect(today.body.data).toMatchObject({ occDate: '2023-07-01', total: 14 });
    const silent = await records(c.seat1.token, exportBody({ oocDate: '2023-07-02' }));
    expect(silent.body.data).toMatchObject({ occDate: '2023-07-02', total: 0, lastSendTime: null, contGroups: [] });
  });

  it.each([
    [{ pageSize: 0 }, 'body.pageSize'],
    [{ pageSize: 201 }, 'body.pageSize'],
    [{ pageno: 0 }, 'body.pageno'],
    [{ pageno: undefined }, 'body.pageNo'],
    [{ receId: undefined }, 'body.receId'],
    [{ receId: 'abc' }, 'body.receId'],
    [{ custServId: undefined }, 'body.custServId'],
    [{ oocDate: '2023/07/01' }, 'body.oocDate'],
    [{ oocDate: '2023-02-30' }, 'oocDate'],
    [{ convType: 'friend' }, 'body.convType'],
  ])('refuses %j with 400 naming %s', async (change, field) => {
    const { status, body } = await records(c.seat1.token, exportBody(change));
    expect(status).toBe(400);
    expect(body.code).toBe(400);
    expect(body.msg.startsWith(`${field}:`)).toBe(true);
  });

  it('applies the access rules for every role', async () => {
    const asSeat = (caller: keyof Callers, custServId: string, rid = receId) => records(c[caller].token, exportBody({ custServId, receId: rid }));
    // the owner, its branch's supervisor and manager, master and admin
    for (const caller of ['seat1', 'super1', 'branch1', 'master', 'admin'] as const) {
      expect((await asSeat(caller, c.seat1.id)).status, caller).toBe(200);
    }
    // another seat's custServId, or its own custServId with another seat's target
    expect((await asSeat('seat2', c.seat1.id)).status).toBe(403);
    expect((await asSeat('seat2', c.seat2.id)).status).toBe(403);
    expect((await asSeat('seat1', c.seat1.id, seat2ReceId)).status).toBe(403);
    // a manager naming a seat and a target of another seat of the same branch
    expect((await asSeat('branch1', c.seat2.id)).status).toBe(403);
    // another branch
    for (const caller of ['branch2', 'super2', 'seat3'] as const) expect((await asSeat(caller, c.seat1.id)).status, caller).toBe(403);
    // ids that do not exist
    expect((await asSeat('seat1', c.seat1.id, '99999')).status).toBe(404);
    expect((await asSeat('master', '99999')).status).toBe(404);
    expect((await records('0'.repeat(32), exportBody())).status).toBe(401);
  });

  it("shows contReadState from the seat's read mark for inbound and the bridge's read status for outbound", async () => {
    const run = (query: ReturnType<typeof sql>) => t.hub.store.rows(query);
    const page2 = async () => (await records(c.seat1.token, exportBody({ pageno: 2 }))).body.data.contGroups as { msgId: string; contReadState: string }[];
    const [in1, out1, in2, out2] = await page2();
    try {
      // the seat read up to the first inbound of page 2; the target read the first outbound
      await run(sql`UPDATE conversations SET read_up_to_message_id = ${Number(in1!.msgId)} WHERE target_id = ${Number(receId)}`);
      await run(sql`UPDATE messages SET status = 'read' WHERE id = ${Number(out1!.msgId)}`);
      expect((await page2()).map((m) => m.contReadState)).toEqual(['1', '1', '0', '0']);
      // an inbound message flagged read on its own counts too
      await run(sql`UPDATE messages SET read_state = 1 WHERE id = ${Number(in2!.msgId)}`);
      expect((await page2()).map((m) => [m.msgId, m.contReadState])).toEqual([[in1!.msgId, '1'], [out1!.msgId, '1'], [in2!.msgId, '1'], [out2!.msgId, '0']]);
    } finally {
      await run(sql`UPDATE conversations SET read_up_to_message_id = 0 WHERE target_id = ${Number(receId)}`);
      await run(sql`UPDATE messages SET status = CASE sender WHEN 1 THEN 'received' ELSE 'sent' END, read_state = CASE sender WHEN 1 THEN 0 ELSE 1 END WHERE target_id = ${Number(receId)}`);
    }
  });

  it('splits days at midnight in TZ_NAME', async () => {
    const [late, early] = await seedBridgeMessages(t, [
      inbound(SEAT1_PHONE, 'wa-midnight', 'mid-1', cst('2023-06-30', '23:59:59', 999), 'late'),
      inbound(SEAT1_PHONE, 'wa-midnight', 'mid-2', cst('2023-07-01', '00:00:00'), 'early'),
    ]);
    const day = (oocDate: string) => records(c.seat1.token, exportBody({ receId: late!.receId, oocDate, convType: undefined }));
    const june = (await day('2023-06-30')).body.data;
    expect(june.contGroups.map((m: { content: string }) => m.content)).toEqual(['late']);
    expect(june.lastSendTime).toBe('Fri Jun 30 23:59:59 CST 2023');
    const july = (await day('2023-07-01')).body.data;
    expect(july.contGroups.map((m: { msgId: string; content: string }) => [m.msgId, m.content])).toEqual([[early!.msgId, 'early']]);
    expect(july.lastSendTime).toBe('Sat Jul 01 00:00:00 CST 2023');
  });

  // SQLite's query plan of the SQLite statements (PostgreSQL runs its own).
  it.skipIf(testEngine === 'pg')('reads the page, its count and the last time through messages_target_time', () => {
    const params = { targetId: Number(receId), start: cst('2023-07-01', '00:00:00'), end: cst('2023-07-02', '00:00:00'), limit: 10, offset: 10 };
    expectIndexedPlan(t, HISTORY_PAGE_SQL, params, 'messages_target_time');
    expectIndexedPlan(t, HISTORY_SUMMARY_SQL, { targetId: params.targetId, start: params.start, end: params.end }, 'messages_target_time');
  });
});

describe('retrievePastRecords in another TZ_NAME', () => {
  it('splits days and prints times in the configured zone', async () => {
    const t = await startHub({ env: { TZ_NAME: 'America/New_York' }, clock: { now: () => Date.parse('2023-07-01T16:00:00Z') } });
    try {
      const seat1 = await t.login('seat1');
      const custServId = (await t.call('GET', '/xd/auth/me', { token: seat1 })).body.data.id as string;
      const [late] = await seedBridgeMessages(t, [
        inbound(SEAT1_PHONE, 'ny', 'ny-1', Date.parse('2023-07-01T03:59:59.999Z'), 'late'),
        inbound(SEAT1_PHONE, 'ny', 'ny-2', Date.parse('2023-07-01T04:00:00Z'), 'early'),
      ]);
      const day = async (oocDate?: string) =>
        (await t.call('POST', '/xd/client/retrievePastRecords', { token: seat1, body: { custServId, receId: late!.receId, oocDate, pageNo: 1, pageSize: 10 } })).body.data;
      const june = await day('2023-06-30');
      expect(june.contGroups.map((m: { content: string }) => m.content)).toEqual(['late']);
      expect(june.lastSendTime).toBe('Fri Jun 30 23:59:59 EDT 2023');
      const today = await day();
      expect(today).toMatchObject({ occDate: '2023-07-01', total: 1, lastSendTime: 'Sat Jul 01 00:00:00 EDT 2023' });
      const listed = await t.call('POST', '/xd/client/getConversations', { token: seat1, body: { custServId, date: '2023-06-30' } });
      expect(listed.body.data.map((r: { lastContent: string }) => r.lastContent)).toEqual(['late']);
    } finally {
      await t.close();
    }
  });
});
