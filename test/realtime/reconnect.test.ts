// The socket is the fast path, the cursor the guarantee: a seat whose socket dropped gets
// exactly what it missed from timelineAlerts, and /healthz says Redis is off without REDIS_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { type TestHub } from '../helpers/hub.js';
import { realtimeSetups, type RealtimeEnv } from '../helpers/setups.js';
import { collectEvents, connectSocket, waitFor } from '../helpers/sockets.js';
import { userIdIn } from '../messages/fixtures.js';

describe.each(realtimeSetups)('reconnecting by cursor ($name)', (setup) => {
  let env: RealtimeEnv;
  let t: TestHub;
  beforeAll(async () => {
    env = await setup.start();
    t = env.t;
  });
  afterAll(() => env.close());

  it('gives a reconnected socket exactly the targets it missed', async () => {
    const token = await t.login('seat1');
    const seatId = String(await userIdIn(t.hub.store, 'seat1'));
    let socket = await connectSocket(env.socketUrl, token);
    let pushes = collectEvents(socket, 'message:new');
    const post = async (target: string) => (await postCallback(t, 'messageCallback', inboundMessage({ from: { id: target } }))).body.data.receId as string;

    const before = [await post('rc-a'), await post('rc-b')];
    await waitFor(() => pushes.length === 2);
    const lastCursor = pushes.at(-1)!.cursor;
    socket.close();

    const missed = [await post('rc-c'), await post('rc-a'), await post('rc-d')];
    socket = await connectSocket(env.socketUrl, token);
    pushes = collectEvents(socket, 'message:new');
    const alerts = await t.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId: seatId, since: lastCursor } });
    const alerted = alerts.body.data.alerts.map((a: { receId: string }) => a.receId);
    expect(new Set(alerted)).toEqual(new Set(missed));
    expect(alerted).toHaveLength(3);
    expect(alerted).not.toContain(before[1]);
    const a = alerts.body.data.alerts.find((x: { receId: string }) => x.receId === before[0]);
    expect(a.unread).toBe(2);

    // Live again: the next push carries a cursor above the catch-up's.
    await post('rc-e');
    await waitFor(() => pushes.length === 1);
    expect(pushes[0]!.cursor).toBeGreaterThan(alerts.body.data.cursor);
    socket.close();
  });

  it('recovers exactly what it missed while callbacks keep streaming', async () => {
    const token = await t.login('seat1');
    const seatId = String(await userIdIn(t.hub.store, 'seat1'));
    const first = await connectSocket(env.socketUrl, token);
    const before = collectEvents(first, 'message:new');
    const posted: { receId: string; msgId: string }[] = [];
    let stop = false;
    // The stream runs on its own while the socket drops and comes back.
    const stream = (async () => {
      for (let i = 0; i < 60 && !stop; i++) {
        const answer = await postCallback(null, 'messageCallback', inboundMessage({ from: { id: `stream-${i}` } }), { url: t.url });
        posted.push(answer.body.data);
      }
    })();
    await waitFor(() => before.length >= 15, 10_000, '15 pushes');
    first.close();
    const lastSeen = before.at(-1)!.cursor;
    const second = await connectSocket(env.socketUrl, token);
    const after = collectEvents(second, 'message:new');
    const alerts = await t.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId: seatId, since: lastSeen } });
    await stream;
    stop = true;
    await waitFor(() => after.length > 0 && after.at(-1)!.message.msgId === posted.at(-1)!.msgId, 10_000, 'the stream end');
    const caughtUp: number = alerts.body.data.cursor;
    // Live pushes at or below the catch-up cursor are already covered; the client drops them by cursor.
    const live = after.filter((p) => p.cursor > caughtUp).map((p) => p.receId);
    const alerted: string[] = alerts.body.data.alerts.map((a: { receId: string }) => a.receId);
    const seenBefore = before.filter((p) => p.cursor <= lastSeen).map((p) => p.receId);
    expect([...seenBefore, ...alerted, ...live].sort()).toEqual(posted.map((p) => p.receId).sort());
    second.close();
  });

  it('reports on /healthz whether Redis fans out (off without REDIS_URL)', async () => {
    const redis = setup.redis ? 'ok' : 'off';
    expect((await t.call('GET', '/healthz')).body).toEqual({ msg: '操作成功', code: 200, data: { db: 'ok', redis } });
  });
});
