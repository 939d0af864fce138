// One seat cannot read or push into another seat's data: every seat-facing endpoint that takes an
// id, called by seat1 with seat2's ids, answers 403/404 and leaks nothing; over sockets seat1 can
// neither send, read nor watch as seat2, and never hears seat2's traffic.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, emitWithAck, waitFor, type ClientSocket } from '../helpers/sockets.js';

const SECRET_NAME = 'Zorro-Seat2-Only';
const SECRET_TEXT = 'seat2-secret-quartz';
const SECRET_TAG = 'seat2tagonyx';
const SECRET_REPLY = 'seat2replyjade';

describe('seat isolation', () => {
  let t: TestHub;
  const token: Record<string, string> = {};
  const seat1 = { id: '', account: '', target: '' };
  const seat2 = { id: '', account: '', target: '', message: '', image: '', tag: '', content: '', file: '' };
  const sockets: ClientSocket[] = [];

  const received = (socket: ClientSocket) => {
    const events: { event: string; payload: any }[] = [];
    socket.onAny((event, payload) => events.push({ event, payload }));
    return events;
  };
  // Through the hub's own store, so the sweep reads the same on either engine.
  const storedRows = async () => {
    const { db, tables } = t.hub.store;
    const counts: number[] = [];
    for (const table of [tables.messages, tables.activity, tables.fanEvents]) counts.push((await db.select({ n: count() }).from(table))[0]!.n);
    return counts;
  };
  const seat2State = async () => {
    const { db, tables } = t.hub.store;
    const { contents, conversations, messages, seatTags, targetTags } = tables;
    return JSON.stringify({
      conversations: await db.select().from(conversations).where(eq(conversations.seatId, Number(seat2.id))).orderBy(conversations.id),
      tags: await db.select().from(seatTags).orderBy(seatTags.id),
      targetTags: await db.select().from(targetTags).orderBy(targetTags.tagId, targetTags.targetId),
      contents: await db.select().from(contents).orderBy(contents.id),
      messages: await db.select({ id: messages.id, status: messages.status, readState: messages.readState }).from(messages).orderBy(messages.id),
    });
  };

  async function inbound(phone: string, overrides: Parameters<typeof inboundMessage>[0] = {}) {
    const answer = await postCallback(t, 'messageCallback', inboundMessage({ phone, ...overrides }));
    expect(answer.status).toBe(200);
    return answer.body.data as { msgId: string; receId: string };
  }

  beforeAll(async () => {
    t = await startHub({ listen: true });
    for (const name of ['seat1', 'seat2', 'super1']) token[name] = await t.login(name);
    seat1.id = (await t.call('GET', '/xd/auth/me', { token: token.seat1 })).body.data.id;
    seat2.id = (await t.call('GET', '/xd/auth/me', { token: token.seat2 })).body.data.id;
    seat1.account = (await t.call('POST', '/xd/client/getAccounts', { token: token.seat1, body: {} })).body.data[0].accountId;
    seat2.account = (await t.call('POST', '/xd/client/getAccounts', { token: token.seat2, body: {} })).body.data[0].accountId;

    seat1.target = (await inbound('+8613800000001')).receId;
    const from = { id: 'wa-zorro', name: SECRET_NAME, convType: 'stranger' as const };
    const text = await inbound('+8613800000003', { from, content: SECRET_TEXT });
    seat2.target = text.receId;
    seat2.message = text.msgId;
    seat2.image = (await inbound('+8613800000003', { from, contentType: '2', content: SECRET_TEXT, mediaRef: 'ref-zorro' })).msgId;

    const as2 = async (method: string, path: string, body: unknown) => {
      const answer = await t.call(method, path, { token: token.seat2, body });
      expect(answer.status, `${path} ${JSON.stringify(answer.body)}`).toBe(200);
      return answer.body.data;
    };
    seat2.tag = (await as2('POST', '/xd/client/seatTags', { name: SECRET_TAG })).tagId;
    await as2('PUT', '/xd/client/targetTags', { receId: seat2.target, tagIds: [seat2.tag] });
    seat2.content = (await as2('POST', '/xd/client/content', { title: SECRET_REPLY, body: SECRET_REPLY, scope: 'seat' })).contentId;
    seat2.file = (await as2('POST', '/xd/client/originalImage', { msgId: seat2.image })).url.replace('/xd/media/', '');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t?.close();
  });

  const secrets = () => [SECRET_NAME, SECRET_TEXT, SECRET_TAG, SECRET_REPLY, seat2.file];
  const expectNoLeak = (what: string, body: unknown) => {
    const text = JSON.stringify(body);
    for (const secret of secrets()) expect(text.includes(secret), `${what} leaks ${secret}: ${text}`).toBe(false);
  };

  it("refuses every id-taking endpoint on seat2's ids with 403/404 and changes nothing", async () => {
    const s = seat2;
    const cases: [string, string, unknown][] = [
      ['POST', '/xd/client/sendMessage', { accountId: s.account, receId: s.target, contentType: '1', content: 'hi', clientMsgId: 'iso-1' }],
      ['POST', '/xd/client/sendMessage', { accountId: seat1.account, receId: s.target, contentType: '1', content: 'hi', clientMsgId: 'iso-2' }],
      ['POST', '/xd/client/sendMessage', { accountId: s.account, receId: seat1.target, contentType: '1', content: 'hi', clientMsgId: 'iso-3' }],
      ['PUT', '/xd/client/updateMessage', { receId: s.target, action: 'read' }],
      ['PUT', '/xd/client/updateMessage', { receId: s.target, msgIds: [s.message], contReadState: '1' }],
      ['PUT', '/xd/client/updateMessage', { receId: s.target, msgIds: [s.message], action: 'recall' }],
      ['POST', '/xd/client/getConversations', { custServId: s.id }],
      ['POST', '/xd/client/getConvTargets', { custServId: s.id, convType: 'stranger', pageNo: 1, pageSize: 50 }],
      ['POST', '/xd/client/getConvTargets', { custServId: seat1.id, convType: 'stranger', accountId: s.account, pageNo: 1, pageSize: 50 }],
      ['POST', '/xd/client/retrievePastRecords', { custServId: s.id, receId: s.target, pageNo: 1, pageSize: 50 }],
      ['POST', '/xd/client/retrievePastRecords', { custServId: seat1.id, receId: s.target, pageNo: 1, pageSize: 50 }],
      ['POST', '/xd/client/timelineAlerts', { custServId: s.id, since: 0 }],
      ['POST', '/xd/client/timeline', { custServId: s.id, pageNo: 1, pageSize: 50 }],
      ['DELETE', `/xd/client/seatTags/${s.tag}`, undefined],
      ['POST', '/xd/client/targetsByTag', { tagId: s.tag, pageNo: 1, pageSize: 50 }],
      ['PUT', '/xd/client/targetTags', { receId: s.target, tagIds: [] }],
      ['PUT', '/xd/client/targetTags', { receId: seat1.target, tagIds: [s.tag] }],
      ['POST', '/xd/client/transfer', { receId: s.target, toCustServId: seat1.id }],
      ['POST', '/xd/client/transferSource', { receId: s.target }],
      ['DELETE', `/xd/client/content/${s.content}`, undefined],
      ['POST', '/xd/client/fans', { accountId: s.account, delta: 1 }],
      ['POST', '/xd/client/fanCount', { custServId: s.id }],
      ['POST', '/xd/client/originalImage', { msgId: s.image }],
      ['POST', '/xd/client/originalImage', { msgId: s.message }],
      ['POST', '/xd/protocol/relogin', { accountId: s.account }],
      ['GET', `/xd/media/${s.file}`, undefined],
      ['GET', `/xd/media/${s.file}?token=${token.seat1}`, undefined],
    ];
    const rowsBefore = await storedRows();
    const stateBefore = await seat2State();
    for (const [method, path, body] of cases) {
      const answer = await t.call(method, path, { token: token.seat1, body });
      const what = `${method} ${path} ${JSON.stringify(body)} → ${answer.status} ${JSON.stringify(answer.body)}`;
      expect([403, 404], what).toContain(answer.status);
      expect(answer.body.code, what).toBe(answer.status);
      expectNoLeak(what, answer.body);
    }
    // msgIds filter within the caller's own target: seat2's ids there match nothing.
    for (const action of ['read', 'recall']) {
      const scoped = await t.call('PUT', '/xd/client/updateMessage', { token: token.seat1, body: { receId: seat1.target, msgIds: [s.message], action } });
      expect(scoped.body).toMatchObject({ code: 200, data: { updated: 0 } });
    }
    expect(await storedRows()).toEqual(rowsBefore);
    expect(await seat2State()).toBe(stateBefore);
    // seat2 still sees all of it.
    expect((await t.call('POST', '/xd/client/transferSource', { token: token.seat2, body: { receId: s.target } })).status).not.toBe(403);
    expect((await t.call('POST', '/xd/client/targetsByTag', { token: token.seat2, body: { tagId: s.tag, pageNo: 1, pageSize: 50 } })).body.data.total).toBe(1);
  });

  it("shows seat1 none of seat2's data on the endpoints that list or search", async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/xd/client/getAccounts', {}],
      ['POST', '/xd/client/getConversations', { custServId: seat1.id }],
      ['POST', '/xd/client/getConvTargets', { custServId: seat1.id, convType: 'stranger', pageNo: 1, pageSize: 200 }],
      ['POST', '/xd/client/timeline', { custServId: seat1.id, pageNo: 1, pageSize: 200 }],
      ['POST', '/xd/client/timelineAlerts', { custServId: seat1.id, since: 0 }],
      ['GET', '/xd/client/seatTags', undefined],
      ['GET', `/xd/client/quickReplies?keyword=${SECRET_REPLY}&pageNo=1&pageSize=50`, undefined],
      ['GET', '/xd/client/quickReplies?pageNo=1&pageSize=200', undefined],
      ['POST', '/xd/client/searchQuickReplies', { keyword: SECRET_REPLY, pageNo: 1, pageSize: 50 }],
      ['GET', `/xd/client/quickSearch?keyword=${encodeURIComponent(SECRET_TEXT)}`, undefined],
      ['GET', `/xd/client/quickSearch?keyword=${encodeURIComponent(SECRET_NAME)}`, undefined],
      ['GET', '/xd/client/quickSearch?keyword=Zorro', undefined],
    ];
    for (const [method, path, body] of cases) {
      const answer = await t.call(method, path, { token: token.seat1, body });
      const what = `${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`;
      expect(answer.status, what).toBe(200);
      expectNoLeak(what, answer.body);
      expect(JSON.stringify(answer.body).includes(`"receId":"${seat2.target}"`), what).toBe(false);
    }
    // The same searches find it for seat2, so the searches above could have leaked.
    const own = await t.call('GET', `/xd/client/quickSearch?keyword=${encodeURIComponent(SECRET_TEXT)}`, { token: token.seat2 });
    expect(JSON.stringify(own.body)).toContain(SECRET_TEXT);
  });

  it('refuses socket sends, reads and watches into seat2 by ack, storing and pushing nothing', async () => {
    const s1 = await connectSocket(t.url, token.seat1!);
    const s2 = await connectSocket(t.url, token.seat2!);
    sockets.push(s1, s2);
    const heardBy2 = received(s2);
    const rowsBefore = await storedRows();
    const stateBefore = await seat2State();

    const attempts = [
      () => emitWithAck(s1, 'message:send', { accountId: seat2.account, receId: seat2.target, contentType: '1', content: 'x', clientMsgId: 'iso-s1' }),
      () => emitWithAck(s1, 'message:send', { accountId: seat1.account, receId: seat2.target, contentType: '1', content: 'x', clientMsgId: 'iso-s2' }),
      () => emitWithAck(s1, 'message:send', { accountId: seat2.account, receId: seat1.target, contentType: '1', content: 'x', clientMsgId: 'iso-s3' }),
      () => emitWithAck(s1, 'message:read', { receId: seat2.target }),
      () => emitWithAck(s1, 'watch', { custServId: seat2.id }),
    ];
    for (const attempt of attempts) {
      const ack = await attempt();
      expect([403, 404], JSON.stringify(ack)).toContain(ack.code);
      expectNoLeak('ack', ack);
    }
    expect(await storedRows()).toEqual(rowsBefore);
    expect(await seat2State()).toBe(stateBefore);

    // A message for seat2 is the first thing seat2 hears: nothing seat1 did reached it before.
    const marker = await inbound('+8613800000003', { from: { id: 'wa-zorro', name: SECRET_NAME, convType: 'stranger' } });
    await waitFor(() => heardBy2.length > 0, 5000, 'seat2 hears its message');
    expect(heardBy2[0]!.event).toBe('message:new');
    expect(heardBy2[0]!.payload.message.msgId).toBe(marker.msgId);
  });

  it("never pushes seat2's message:new to seat1, and to a supervisor only after watch", async () => {
    const s1 = await connectSocket(t.url, token.seat1!);
    const s2 = await connectSocket(t.url, token.seat2!);
    const sup = await connectSocket(t.url, token.super1!);
    sockets.push(s1, s2, sup);
    const heardBy1 = received(s1);
    const heardBy2 = received(s2);
    const heardBySup = received(sup);
    const news = (events: { event: string; payload: any }[]) => events.filter((e) => e.event === 'message:new').map((e) => e.payload.message.msgId as string);

    const before = await inbound('+8613800000004', { from: { id: 'wa-zorro-2', name: SECRET_NAME, convType: 'stranger' }, content: SECRET_TEXT });
    await waitFor(() => news(heardBy2).includes(before.msgId), 5000, 'seat2 hears the first message');

    const watched = await emitWithAck(sup, 'watch', { custServId: seat2.id });
    expect(watched.code).toBe(200);
    const after = await inbound('+8613800000004', { from: { id: 'wa-zorro-2', name: SECRET_NAME, convType: 'stranger' }, content: SECRET_TEXT });
    await waitFor(() => news(heardBy2).includes(after.msgId) && news(heardBySup).includes(after.msgId), 5000, 'seat2 and the watcher hear the second');
    // Pushes reach one socket in order: the supervisor's first message is the one after its watch.
    expect(news(heardBySup)).toEqual([after.msgId]);

    // seat2's own actions push to seat2 (and its watcher) only.
    expect(await emitWithAck(s2, 'message:read', { receId: before.receId })).toMatchObject({ code: 200 });
    expect((await t.call('POST', '/xd/client/fans', { token: token.seat2, body: { accountId: seat2.account, delta: 1 } })).status).toBe(200);
    await waitFor(() => heardBySup.some((e) => e.event === 'fans:count'), 5000, 'the watcher hears seat2 fans');

    // seat1's own message arrives after all that: had any of it reached seat1, it would be there first.
    const own = await inbound('+8613800000001');
    await waitFor(() => news(heardBy1).includes(own.msgId), 5000, 'seat1 hears its own message');
    expect(news(heardBy1)).toEqual([own.msgId]);
    const seat2Ids = new Set([seat2.target, before.receId, seat2.id, seat2.account]);
    for (const { event, payload } of heardBy1) {
      expectNoLeak(`seat1 heard ${event}`, payload);
      for (const key of ['receId', 'custServId', 'accountId']) expect(seat2Ids.has(payload?.[key]), `seat1 heard ${event} ${JSON.stringify(payload)}`).toBe(false);
    }
  });
});
