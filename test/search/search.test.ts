import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { seedBridgeMessages } from '../helpers/bridge-seed.js';
import { testEngine } from '../helpers/engine.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { cst, exportConversation, inbound, SEAT1_PHONE, SEAT2_PHONE, SEAT3_PHONE, setUpCallers, type Callers } from '../conversations/fixtures.js';
import { queryPlan } from '../conversations/plan.js';

let now = cst('2023-06-01', '12:00:00');

type Hit = { msgId: string; receId: string; receName: string; content: string; sendTime: string };
type Found = { targets: { receId: string; receName: string; accountId: string; convType: string }[]; messages: Hit[]; match: string };

describe('GET /xd/client/quickSearch', () => {
  let t: TestHub;
  let c: Callers;
  let seat1Export: string;
  let seat2Target: string;
  let oldMsg: string;
  const search = async (caller: keyof Callers, keyword: string): Promise<Found> => {
    const { status, body } = await t.call('GET', `/xd/client/quickSearch?keyword=${encodeURIComponent(keyword)}`, { token: c[caller].token });
    expect(status, JSON.stringify(body)).toBe(200);
    return body.data;
  };
  const receIds = (found: Found) => [...new Set(found.messages.map((m) => m.receId))].sort();

  beforeAll(async () => {
    t = await startHub({ clock: { now: () => now } });
    now = cst('2023-07-01', '18:00:00');
    c = await setUpCallers(t);
    const seeded = await seedBridgeMessages(t, [
      ...exportConversation(),
      inbound(SEAT2_PHONE, 'wa-seat2', 's2-1', cst('2023-07-01', '09:00:00'), '这个产品不错，价格多少', '王芳'),
      inbound(SEAT3_PHONE, 'wa-seat3', 's3-1', cst('2023-07-01', '09:30:00'), '这个产品还有吗', 'Carlos'),
      inbound(SEAT1_PHONE, 'wa-old', 'old-1', cst('2023-05-01', '09:00:00'), '你好，五月的消息', 'Old Friend'),
    ]);
    seat1Export = seeded[0]!.receId;
    seat2Target = seeded[14]!.receId;
    oldMsg = seeded[16]!.msgId;
  });
  afterAll(() => t.close());

  it('finds Chinese text by any 3+ character substring, only in what the caller may see', async () => {
    // seven of the export's messages and one of the demo conversation on seat1's other account
    const seat1 = await search('seat1', '产品怎');
    expect(seat1.match).toBe('fulltext');
    expect(seat1.messages).toHaveLength(8);
    expect(seat1.messages[0]).toEqual({
      msgId: expect.stringMatching(/^[1-9]\d*$/),
      receId: seat1Export,
      receName: '曾林',
      content: '你好这个产品怎么用',
      contentType: '1',
      sender: 1,
      sendTime: 'Sat Jul 01 10:53:52 CST 2023',
      sendTimeMs: cst('2023-07-01', '10:53:52', 200),
    });
    const { conversations } = t.hub.store.tables;
    const seatOf = async (receId: string) => {
      const [row] = await t.hub.store.db.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, Number(receId)));
      return String(row!.seatId);
    };
    const seatsIn = async (found: Found) => [...new Set(await Promise.all(found.messages.map((m) => seatOf(m.receId))))].sort();
    const seat1Hits = await search('seat1', '这个产品');
    expect(receIds(seat1Hits)).toContain(seat1Export);
    expect(await seatsIn(seat1Hits)).toEqual([c.seat1.id]);
    const seat2Hits = await search('seat2', '这个产品');
    expect(receIds(seat2Hits)).toContain(seat2Target);
    expect(await seatsIn(seat2Hits)).toEqual([c.seat2.id]);
    expect((await search('seat3', '这个产品')).messages.map((m) => m.content)).toEqual(['这个产品还有吗']);
    for (const manager of ['super1', 'branch1'] as const) {
      expect(await seatsIn(await search(manager, '这个产品')), manager).toEqual([c.seat1.id, c.seat2.id].sort());
    }
    for (const manager of ['super2', 'branch2'] as const) expect(await seatsIn(await search(manager, '这个产品'))).toEqual([c.seat3.id]);
    for (const all of ['master', 'admin'] as const) {
      expect(await seatsIn(await search(all, '这个产品'))).toEqual([c.seat1.id, c.seat2.id, c.seat3.id].sort());
    }
  });

  it('finds targets by name or platform id, case-insensitively', async () => {
    const byUid = await search('seat1', 'WA-187');
    expect(byUid.targets).toEqual([{ receId: seat1Export, receName: '曾林', accountId: expect.any(String), convType: 'biDirFriend' }]);
    expect((await search('seat2', 'wa-187')).targets).toEqual([]);
    expect((await search('seat1', 'silv')).targets.map((x) => x.receName)).toEqual(['Maria Silva']);
    expect((await search('super1', 'maria')).targets).toHaveLength(2);
    expect((await search('super2', 'maria')).targets).toHaveLength(0);
  });

  it("answers 1-2 character keywords from the caller's own recent conversations", async () => {
    const name = await search('seat1', '曾林');
    expect(name.match).toBe('short');
    // the export's 曾林 and the demo one
    expect(name.targets).toHaveLength(2);
    expect((await search('seat2', '曾林')).targets).toHaveLength(1);
    expect((await search('seat3', '曾林')).targets).toHaveLength(0);

    const text = await search('seat1', '你好');
    expect(text.messages.length).toBeGreaterThanOrEqual(14);
    expect(text.messages.every((m) => m.content.includes('你好'))).toBe(true);
    // older than 30 days: only a 3+ character keyword reaches it
    expect(text.messages.map((m) => m.msgId)).not.toContain(oldMsg);
    expect((await search('seat1', '五月的')).messages.map((m) => m.msgId)).toEqual([oldMsg]);
    expect((await search('seat2', '你好')).messages.every((m) => m.receId !== seat1Export)).toBe(true);
    // managers own no conversations: names only
    expect((await search('super1', '你好')).messages).toEqual([]);
    expect((await search('super1', '曾林')).targets).toHaveLength(3);
  });

  it('treats LIKE and FTS syntax in the keyword as plain text', async () => {
    expect(await search('seat1', '%')).toMatchObject({ targets: [], messages: [] });
    expect(await search('seat1', '_')).toMatchObject({ targets: [], messages: [] });
    expect(await search('seat1', '"产品 OR')).toMatchObject({ targets: [], messages: [] });
    expect((await search('master', 'a* NOT b')).messages).toEqual([]);
  });

  it('follows renames, edits and recalls through the triggers', async () => {
    await seedBridgeMessages(t, [{ ...inbound(SEAT2_PHONE, 'wa-seat2', 's2-2', cst('2023-07-01', '12:00:00'), 'x', '王芳芳新') }]);
    expect((await search('seat2', '王芳芳新')).targets.map((x) => x.receId)).toEqual([seat2Target]);
    const { db, tables: { messages, targets } } = t.hub.store;
    expect((await db.select().from(targets).where(eq(targets.id, Number(seat2Target))))[0]!.name).toBe('王芳芳新');

    const [edited] = await seedBridgeMessages(t, [inbound(SEAT1_PHONE, 'wa-187', 'edit-1', cst('2023-07-01', '12:00:00'), '原来的内容')]);
    await db.update(messages).set({ content: '修改后的内容' }).where(eq(messages.id, Number(edited!.msgId)));
    expect((await search('seat1', '原来的')).messages).toEqual([]);
    expect((await search('seat1', '修改后')).messages.map((m) => m.msgId)).toEqual([edited!.msgId]);
    await db.update(messages).set({ status: 'recalled' }).where(eq(messages.id, Number(edited!.msgId)));
    expect((await search('seat1', '修改后')).messages).toEqual([]);
  });

  it('refuses a missing or blank keyword with 400 naming it, and needs a token', async () => {
    for (const query of ['', '?keyword=', '?keyword=%20%20']) {
      const { status, body } = await t.call('GET', `/xd/client/quickSearch${query}`, { token: c.seat1.token });
      expect(status, query).toBe(400);
      expect(body.msg).toMatch(/keyword/);
    }
    expect((await t.call('GET', '/xd/client/quickSearch?keyword=abc')).status).toBe(401);
  });

  // FTS5 is SQLite's index (PostgreSQL searches with its own).
  it.skipIf(testEngine === 'pg')('looks messages up through the full-text index', () => {
    const plan = queryPlan(t, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH '\"产品怎\"'", {});
    expect(plan.join('\n')).toMatch(/VIRTUAL TABLE INDEX/);
  });
});
