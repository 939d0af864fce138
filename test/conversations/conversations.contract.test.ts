// The conversation lists and the history read, on both engines: the same rows in the same
// order, the same totals, cursor and seq, whichever engine answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationsRepository, type ConversationsRepository } from '../../src/conversations/conversations.repository.js';
import { createHistoryRepository, type HistoryRepository } from '../../src/conversations/history.repository.js';
import type { Store } from '../../src/db/store.js';
import { dayRange } from '../../src/time.js';
import { addConversation, addOrg, cst, type Org } from './contract-data.js';
import { ENGINES, startEngine, type Engines } from './engines.js';

const TZ = 'Asia/Shanghai';
const D = dayRange('2023-07-01', TZ);

describe.each(ENGINES)('conversation reads on %s', (engine) => {
  let engines: Engines;
  let store: Store;
  let org: Org;
  let conversations: ConversationsRepository;
  let history: HistoryRepository;
  const ids: Record<string, number> = {};
  const msg: Record<string, number> = {};

  beforeAll(async () => {
    engines = await startEngine(engine);
    store = await engines.fresh();
    org = await addOrg(store);
    const add = async (key: string, spec: Parameters<typeof addConversation>[1], names: string[] = []) => {
      const { targetId, messageIds } = await addConversation(store, spec);
      ids[key] = targetId;
      names.forEach((name, i) => (msg[name] = messageIds[i]!));
    };
    await add(
      'alice',
      {
        accountId: org.account1,
        seatId: org.seat1,
        uid: 'wa-alice',
        name: 'Alice',
        convType: 'biDirFriend',
        unread: 3,
        messages: [
          { content: 'a-old', sendTime: cst('2023-06-30', '09:00:00') },
          { content: 'a1', sendTime: cst('2023-07-01', '10:00:00') },
          { content: 'a2', sendTime: cst('2023-07-01', '10:00:00'), sender: 0, status: 'read' },
          { content: 'a-next', sendTime: cst('2023-07-02', '08:00:00') },
        ],
      },
      ['a-old', 'a1', 'a2', 'a-next'],
    );
    await add('bob', { accountId: org.account1, seatId: org.seat1, uid: 'wa-bob', name: 'Bob', messages: [{ content: 'b1', sendTime: cst('2023-07-01', '12:00:00') }] }, ['b1']);
    // Carol's last message is at Bob's very millisecond: the conversation id breaks the tie.
    await add('carol', { accountId: org.account1b, seatId: org.seat1, uid: 'wa-carol', name: 'Carol', messages: [{ content: 'c1', sendTime: cst('2023-07-01', '12:00:00') }] }, ['c1']);
    await add('empty', { accountId: org.account1, seatId: org.seat1, uid: 'wa-empty', name: 'Empty' });
    await add('fay', { accountId: org.account1, seatId: org.seat1, uid: 'wa-fay', name: 'Fay', messages: [{ content: 'f1', sendTime: cst('2023-06-29', '09:00:00') }] });
    await add('gus', { accountId: org.account2, seatId: org.seat2, uid: 'wa-gus', name: 'Gus', messages: [{ content: 'g1', sendTime: cst('2023-07-01', '11:00:00') }] });
    // On seat2's account, transferred to seat1.
    await add('tom', { accountId: org.account2, seatId: org.seat1, uid: 'wa-tom', name: 'Tom', messages: [{ content: 't1', sendTime: cst('2023-07-01', '09:00:00') }] });
    const { activity, seatStreams } = store.tables;
    await store.db.insert(activity).values([{ kind: 'message', seatId: org.seat1 }, { kind: 'message', seatId: org.seat2 }, { kind: 'message', seatId: org.seat1 }]);
    await store.db.insert(seatStreams).values({ seatId: org.seat1, seq: 7 });
    conversations = createConversationsRepository(store);
    history = createHistoryRepository(store);
  }, 120_000);
  afterAll(() => engines?.close());

  const names = (rows: { targetName: string }[]) => rows.map((r) => r.targetName);

  it('pages the whole timeline by last message, newest first, ties by the newer conversation', async () => {
    const all = await conversations.timeline(org.seat1, { limit: 10, offset: 0 });
    expect(names(all.rows)).toEqual(['Alice', 'Carol', 'Bob', 'Tom', 'Fay']);
    expect(all.total).toBe(5);
    expect(all.rows[0]).toEqual({
      targetId: ids.alice,
      targetName: 'Alice',
      accountId: org.account1,
      convType: 'biDirFriend',
      lastMessageId: msg['a-next'],
      lastContent: 'a-next',
      lastContentType: '1',
      lastSendTime: cst('2023-07-02', '08:00:00'),
      unread: 3,
      cursor: 4,
    });
    const pages = await Promise.all([2, 4].map((offset) => conversations.timeline(org.seat1, { limit: 2, offset })));
    expect(pages.map((p) => names(p.rows))).toEqual([['Bob', 'Tom'], ['Fay']]);
    const past = await conversations.timeline(org.seat1, { limit: 2, offset: 10 });
    expect({ rows: past.rows, total: past.total }).toEqual({ rows: [], total: 5 });
  });

  it('answers the hub cursor and the seat stream position with every page, empty ones too', async () => {
    const seat1 = await conversations.timeline(org.seat1, { limit: 1, offset: 100 });
    expect({ cursor: seat1.cursor, seq: seat1.seq }).toEqual({ cursor: 3, seq: 7 });
    const seat3 = await conversations.timeline(org.seat3, { limit: 10, offset: 0 }, D);
    expect(seat3).toEqual({ cursor: 3, seq: 0, rows: [], total: 0 });
  });

  it("lists a day's conversations by that day's last message", async () => {
    const day = await conversations.timeline(org.seat1, { limit: 10, offset: 0 }, D);
    expect(names(day.rows)).toEqual(['Carol', 'Bob', 'Alice', 'Tom']);
    expect(day.total).toBe(4);
    const alice = day.rows[2]!;
    expect({ id: alice.lastMessageId, content: alice.lastContent, at: alice.lastSendTime }).toEqual({ id: msg.a2, content: 'a2', at: cst('2023-07-01', '10:00:00') });
    const second = await conversations.timeline(org.seat1, { limit: 3, offset: 3 }, D);
    expect({ rows: names(second.rows), total: second.total }).toEqual({ rows: ['Tom'], total: 4 });
    expect(names(await conversations.activeOnDay(org.seat1, D))).toEqual(['Carol', 'Bob', 'Alice', 'Tom']);
    expect(await conversations.activeOnDay(org.seat1, dayRange('2023-07-03', TZ))).toEqual([]);
  });

  it('filters targets by type and account, conversations without a message last', async () => {
    const strangers = await conversations.targetsOfType(org.seat1, 'stranger', undefined, { limit: 10, offset: 0 });
    expect(names(strangers.rows)).toEqual(['Carol', 'Bob', 'Tom', 'Fay', 'Empty']);
    expect(strangers.total).toBe(5);
    expect(strangers.rows[4]).toMatchObject({ lastMessageId: null, lastContent: null, lastContentType: null, lastSendTime: null });
    const last = await conversations.targetsOfType(org.seat1, 'stranger', undefined, { limit: 2, offset: 4 });
    expect({ rows: names(last.rows), total: last.total }).toEqual({ rows: ['Empty'], total: 5 });
    const onAccount = await conversations.targetsOfType(org.seat1, 'stranger', org.account1, { limit: 10, offset: 0 });
    expect({ rows: names(onAccount.rows), total: onAccount.total }).toEqual({ rows: ['Bob', 'Fay', 'Empty'], total: 3 });
    const friends = await conversations.targetsOfType(org.seat1, 'biDirFriend', undefined, { limit: 10, offset: 0 });
    expect({ rows: names(friends.rows), total: friends.total }).toEqual({ rows: ['Alice'], total: 1 });
    const none = await conversations.targetsOfType(org.seat3, 'stranger', undefined, { limit: 10, offset: 0 });
    expect(none).toEqual({ rows: [], total: 0 });
  });

  it('knows which accounts a seat owns a conversation on', async () => {
    expect(await conversations.ownsConversationOn(org.seat1, org.account2)).toBe(true);
    expect(await conversations.ownsConversationOn(org.seat1, org.account3)).toBe(false);
    expect(await conversations.ownsConversationOn(org.seat2, org.account1)).toBe(false);
  });

  it("pages one target's day oldest first, ties in stored order, with the day's total and last time", async () => {
    const query = { targetId: ids.alice!, ...D };
    const day = await history.dayOfTarget({ ...query, limit: 10, offset: 0 });
    expect(day).toEqual({
      total: 2,
      lastSendTime: cst('2023-07-01', '10:00:00'),
      items: [
        { id: msg.a1, sender: 1, contentType: '1', content: 'a1', thumb: null, sendTime: cst('2023-07-01', '10:00:00'), status: 'received', readState: 0 },
        { id: msg.a2, sender: 0, contentType: '1', content: 'a2', thumb: null, sendTime: cst('2023-07-01', '10:00:00'), status: 'read', readState: 0 },
      ],
    });
    expect((await history.dayOfTarget({ ...query, limit: 1, offset: 1 })).items.map((m) => m.content)).toEqual(['a2']);
    expect(await history.dayOfTarget({ ...query, limit: 10, offset: 5 })).toEqual({ total: 2, lastSendTime: cst('2023-07-01', '10:00:00'), items: [] });
    expect(await history.dayOfTarget({ targetId: ids.alice!, ...dayRange('2023-07-03', TZ), limit: 10, offset: 0 })).toEqual({ total: 0, lastSendTime: null, items: [] });
  });
});
