// Per-seat stream numbers: every push of a seat's stored change carries custServId and a seq
// that runs 1, 2, 3, … per seat, the same for the seat and its watchers, and timelineAlerts
// {sinceSeq} answers from any of them. Run under every adapter setup.
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSeq } from '../../src/activity/activity.repository.js';
import { createInboundStore } from '../../src/messages/inbound.repository.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { realtimeSetups, type RealtimeEnv } from '../helpers/setups.js';
import { collectEvents, connectSocket, emitWithAck, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { targetOwnedBy, userIdIn } from '../messages/fixtures.js';

const SEAT1_PHONE = '+8613800000001';
const SEAT2_PHONE = '+8613800000003';

type Stamped = { custServId?: string; seq?: number };

/** Every seq-carrying event a socket receives, in arrival order, with its name. */
function streamOf(socket: ClientSocket) {
  const seen: { event: string; custServId?: string; seq?: number; payload: unknown }[] = [];
  socket.onAny((event: string, payload: Stamped) => {
    if (payload && typeof payload === 'object') seen.push({ event, custServId: payload.custServId, seq: payload.seq, payload });
  });
  return seen;
}

/** The distinct numbers of `seatId`'s stream among what a socket saw (a socket in the seat's
 * branch room too gets fans:count twice, with one number). */
const seqsOf = (seen: { custServId?: string; seq?: number }[], seatId: string, after: number) =>
  [...new Set(seen.filter((e) => e.custServId === seatId && e.seq !== undefined && e.seq > after).map((e) => e.seq!))].sort((a, b) => a - b);

describe.each(realtimeSetups)('seat streams ($name)', (setup) => {
  let env: RealtimeEnv;
  let seat1Id: number;
  let seat2Id: number;
  let seat1: string;
  let seat2: string;
  let sup: string;
  const sockets: ClientSocket[] = [];
  const store = () => env.t.hub.store;

  beforeAll(async () => {
    env = await setup.start();
    seat1Id = await userIdIn(store(), 'seat1');
    seat2Id = await userIdIn(store(), 'seat2');
    [seat1, seat2, sup] = await Promise.all([env.t.login('seat1'), env.t.login('seat2'), env.t.login('super1')]);
  });
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.close();
    await env.close();
  });

  const open = async (token: string) => {
    const socket = await connectSocket(env.socketUrl, token);
    sockets.push(socket);
    return socket;
  };

  it('numbers every push of a seat 1 higher than the last, the same for its watcher', async () => {
    const s1 = await open(seat1);
    const watcher = await open(sup);
    expect(await emitWithAck(watcher, 'watch', { custServId: String(seat1Id) })).toMatchObject({ code: 200 });
    const target = await targetOwnedBy(store(), seat1Id);
    // The demo's unread messages are read first, so the read below covers exactly two.
    expect(await emitWithAck(s1, 'message:read', { receId: String(target.targetId) })).toMatchObject({ code: 200 });
    const start = (await currentSeq(store(), seat1Id));
    const mine = streamOf(s1);
    const watched = streamOf(watcher);

    // A first-seen target: message:new, then fans:count with the next number.
    await postCallback(env.t, 'messageCallback', inboundMessage({ from: { id: `seq-new-${setup.redis}`, name: 'N' } }));
    await postCallback(env.t, 'messageCallback', inboundMessage({ from: { id: `seq-new-${setup.redis}` } }));
    // A reply of the seat (the sandbox bridge reports it sent, then delivered), then a read of
    // two inbound messages: one message:updated each.
    const statuses = collectEvents(s1, 'message:updated');
    const sent = await env.t.call('POST', '/xd/client/sendMessage', {
      token: seat1,
      body: { accountId: String(target.accountId), receId: String(target.targetId), contentType: '1', content: 'hi', clientMsgId: `seq-${setup.redis}` },
    });
    expect(sent.status).toBe(200);
    await waitFor(() => statuses.some((u) => u.status === 'delivered'), 5000, 'delivered');
    await postCallback(env.t, 'messageCallback', inboundMessage({ phone: target.phone, from: { id: target.platformUid } }));
    await postCallback(env.t, 'messageCallback', inboundMessage({ phone: target.phone, from: { id: target.platformUid } }));
    expect(await emitWithAck(s1, 'message:read', { receId: String(target.targetId) })).toMatchObject({ code: 200 });
    // Account status of one of the seat's phones.
    expect((await postCallback(env.t, 'phoneStatus', { phone: SEAT1_PHONE, status: 'offline' })).status).toBe(200);
    // Another seat's traffic is numbered in its own stream and reaches neither socket.
    await postCallback(env.t, 'messageCallback', inboundMessage({ phone: SEAT2_PHONE }));

    const end = (await currentSeq(store(), seat1Id));
    const seat = String(seat1Id);
    await waitFor(() => seqsOf(mine, seat, start).length >= end - start && seqsOf(watched, seat, start).length >= end - start, 5000, 'every push');
    const expected = Array.from({ length: end - start }, (_, i) => start + 1 + i);
    // Reads are stored by the socket's instance, callbacks by A; order across the two paths is
    // not promised, the numbers are.
    expect(seqsOf(mine, seat, start)).toEqual(expected);
    expect(seqsOf(watched, seat, start)).toEqual(expected);
    // The watcher sees each event with the seat's own number.
    const bySeq = (list: typeof mine) => new Map(list.filter((e) => e.seq !== undefined && e.custServId === seat && e.seq > start).map((e) => [e.seq, e.event]));
    expect(bySeq(watched)).toEqual(bySeq(mine));
    const kinds = [...bySeq(mine).entries()].sort((a, b) => a[0]! - b[0]!).map(([, event]) => event);
    expect(kinds).toEqual([
      'message:new',
      'fans:count',
      'message:new',
      'message:new',
      'message:updated',
      'message:updated',
      'message:new',
      'message:new',
      'message:updated',
      'message:updated',
      'account:status',
    ]);
    expect(mine.some((e) => e.custServId === String(seat2Id))).toBe(false);
  });

  it('moves both seats\u2019 streams in one transfer', async () => {
    const s1 = await open(seat1);
    const s2 = await open(seat2);
    const out = collectEvents(s1, 'transfer:out');
    const into = collectEvents(s2, 'transfer:in');
    const before = [(await currentSeq(store(), seat1Id)), (await currentSeq(store(), seat2Id))];
    const target = await targetOwnedBy(store(), seat1Id, 'Maria Silva');
    const res = await env.t.call('POST', '/xd/client/transfer', { token: seat1, body: { receId: String(target.targetId), toCustServId: String(seat2Id) } });
    expect(res.status).toBe(200);
    await waitFor(() => out.length === 1 && into.length === 1, 5000, 'transfer pushes');
    expect(out[0]).toMatchObject({ custServId: String(seat1Id), seq: before[0]! + 1 });
    expect(into[0]).toMatchObject({ custServId: String(seat2Id), seq: before[1]! + 1 });
    expect([(await currentSeq(store(), seat1Id)), (await currentSeq(store(), seat2Id))]).toEqual([before[0]! + 1, before[1]! + 1]);
    // And catch-up by seq finds the target in the receiving seat's stream.
    const answer = await env.t.call('POST', '/xd/client/timelineAlerts', { token: seat2, body: { custServId: String(seat2Id), sinceSeq: before[1] } });
    expect(answer.body.data).toMatchObject({ seq: before[1]! + 1, more: false, alerts: [{ receId: String(target.targetId) }] });
  });
});

describe('seat streams in storage', () => {
  let env: RealtimeEnv;
  let seat1Id: number;
  let seat1: string;
  const store = () => env.t.hub.store;

  beforeAll(async () => {
    env = await realtimeSetups[0]!.start();
    seat1Id = await userIdIn(store(), 'seat1');
    seat1 = await env.t.login('seat1');
  });
  afterAll(() => env.close());

  const byTarget = (since: number, body: Record<string, unknown> = {}, token = seat1) =>
    env.t.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId: String(seat1Id), sinceSeq: since, ...body } });

  it('starts every seat at 1 and numbers its activity rows without a gap (the seed and everything since)', async () => {
    // 150 callbacks at once: group commit stores them in few transactions.
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => postCallback(env.t, 'messageCallback', inboundMessage({ phone: i % 2 ? SEAT1_PHONE : SEAT2_PHONE, from: { id: `gapless-${i % 7}` } }))),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const { activity, seatStreams } = store().tables;
    for (const stream of await store().db.select().from(seatStreams)) {
      const rows = await store()
        .db.select({ seq: activity.seq, kind: activity.kind })
        .from(activity)
        .where(and(eq(activity.seatId, stream.seatId), isNotNull(activity.seq)))
        .orderBy(asc(activity.cursor));
      // Each row takes a run ending at its seq (a new fan's message takes two numbers): the runs
      // tile 1..N in cursor order.
      let next = 1;
      for (const row of rows) {
        expect(row.seq!).toBeGreaterThanOrEqual(next);
        expect(row.seq! - next).toBeLessThanOrEqual(1);
        next = row.seq! + 1;
      }
      expect(next - 1).toBe(stream.seq);
      const unnumbered = await store().db.select().from(activity).where(and(eq(activity.seatId, stream.seatId), isNull(activity.seq)));
      expect(unnumbered).toEqual([]);
    }
  });

  it('gives several messages of one seat in one group-commit batch consecutive numbers', async () => {
    const start = (await currentSeq(store(), seat1Id));
    const known = await targetOwnedBy(store(), seat1Id);
    const items = Array.from({ length: 5 }, (_, i) => ({
      input: i === 2 ? inboundMessage({ from: { id: 'batch-new-fan' } }) : inboundMessage({ phone: known.phone, from: { id: known.platformUid } }),
      options: { tzName: 'Asia/Shanghai', now: Date.now() },
    }));
    // One item fails alone (unknown phone) and takes no number.
    items.splice(3, 0, { input: inboundMessage({ phone: '+19999999999' }), options: items[0]!.options });
    const outcomes = await createInboundStore(env.t.hub.store).storeBatch(items);
    const seqs = outcomes.map((o) => ('ok' in o && !o.ok.duplicate ? o.ok.seq : null));
    // The new fan's message keeps the number after its own for fans:count.
    expect(seqs).toEqual([start + 1, start + 2, start + 3, null, start + 5, start + 6]);
    expect((await currentSeq(store(), seat1Id))).toBe(start + 6);
  });

  it('answers sinceSeq with the targets after it and the seq it covers, page by page', async () => {
    const start = (await currentSeq(store(), seat1Id));
    expect((await byTarget(start)).body.data).toEqual({ seq: start, alerts: [], more: false });
    const a = await postCallback(env.t, 'messageCallback', inboundMessage({ from: { id: 'rt-a' }, content: 'a1' }));
    const b = await postCallback(env.t, 'messageCallback', inboundMessage({ from: { id: 'rt-b' }, content: 'b1' }));
    await postCallback(env.t, 'messageCallback', inboundMessage({ from: { id: 'rt-a' }, content: 'a2' }));
    const end = (await currentSeq(store(), seat1Id));
    const all = (await byTarget(start)).body.data;
    expect(all.seq).toBe(end);
    expect(all.more).toBe(false);
    expect(all.alerts.map((x: { receId: string }) => x.receId).sort()).toEqual([a.body.data.receId, b.body.data.receId].sort());
    expect(all.alerts.find((x: { receId: string }) => x.receId === a.body.data.receId)).toMatchObject({ lastContent: 'a2' });
    // From the middle: only what came after.
    const tail = (await byTarget(end - 1)).body.data;
    expect(tail).toMatchObject({ seq: end, more: false, alerts: [{ receId: a.body.data.receId }] });
    // The cursor form still answers a cursor.
    const byCursor = (await env.t.call('POST', '/xd/client/timelineAlerts', { token: seat1, body: { custServId: String(seat1Id), since: 0 } })).body.data;
    expect(byCursor).toHaveProperty('cursor');
    expect(byCursor).not.toHaveProperty('seq');
    // The timeline hands out the seq to resume from.
    const timeline = await env.t.call('POST', '/xd/client/timeline', { token: seat1, body: { custServId: String(seat1Id), pageNo: 1, pageSize: 1 } });
    expect(timeline.body.data.seq).toBe(end);
  });

  it('checks access and input of sinceSeq', async () => {
    const seat2 = await env.t.login('seat2');
    expect((await byTarget(0, {}, seat2)).status).toBe(403);
    expect((await env.t.call('POST', '/xd/client/timelineAlerts', { body: { custServId: String(seat1Id), sinceSeq: 0 } })).status).toBe(401);
    // A supervisor of the seat's branch may; one of another branch's seats may not be asked by seat1.
    const sup = await env.t.login('super1');
    expect((await byTarget(0, {}, sup)).status).toBe(200);
    expect((await env.t.call('POST', '/xd/client/timelineAlerts', { token: seat1, body: { custServId: String(await userIdIn(store(), 'seat2')), sinceSeq: 0 } })).status).toBe(403);
    const negative = await byTarget(-1);
    expect(negative).toMatchObject({ status: 400, body: { msg: expect.stringMatching(/sinceSeq/) } });
    const both = await byTarget(0, { since: 0 });
    expect(both).toMatchObject({ status: 400, body: { msg: expect.stringMatching(/sinceSeq/) } });
    const neither = await env.t.call('POST', '/xd/client/timelineAlerts', { token: seat1, body: { custServId: String(seat1Id) } });
    expect(neither).toMatchObject({ status: 400, body: { msg: expect.stringMatching(/sinceSeq/) } });
  });
});
