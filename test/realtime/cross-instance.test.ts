// Two hub instances sharing one SQLite file and one private redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { collectEvents, connectSocket, nextEvent, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { messageCount, userIdIn } from '../messages/fixtures.js';

describe('across instances through Redis', () => {
  let redis: PrivateRedis;
  let a: TestHub;
  let b: TestHub;
  let seat1Id: string;
  const sockets: ClientSocket[] = [];
  const connect = async (hub: TestHub, username: string, token?: string) => {
    const socket = await connectSocket(hub.url, token ?? (await hub.login(username)));
    sockets.push(socket);
    return socket;
  };
  const health = async (hub: TestHub) => (await hub.call('GET', '/healthz')).body.data.redis as string;

  beforeAll(async () => {
    redis = await startRedis();
    a = await startHub({ listen: true, env: { REDIS_URL: redis.url } });
    b = await startHub({ listen: true, env: { REDIS_URL: redis.url }, dir: a.dir });
    seat1Id = String(await userIdIn(a.hub.store, 'seat1'));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('reports redis ok on /healthz once both clients are connected', async () => {
    const deadline = Date.now() + 5000;
    while ((await health(a)) !== 'ok' || (await health(b)) !== 'ok') {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('delivers 100 callbacks posted to A to a seat on B, in order, once each', async () => {
    const seat = await connect(b, 'seat1');
    // The subscriber may still be subscribing right after start: probe until B hears A.
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(50);
      const probe = nextEvent(seat, 'message:new', 200).then(() => true, () => false);
      await postCallback(null, 'messageCallback', inboundMessage({ content: 'probe' }), { url: a.url });
      if (await probe) break;
    }
    const all = collectEvents(seat, 'message:new');
    // A probe that timed out may still land late; it is not one of the 100.
    const received = { get list() { return all.filter((r) => r.message.content !== 'probe'); } };
    const sent: string[] = [];
    for (let i = 0; i < 100; i++) {
      const answer = await postCallback(null, 'messageCallback', inboundMessage({ content: `n${i}` }), { url: a.url });
      expect(answer.status).toBe(200);
      sent.push(answer.body.data.msgId);
    }
    await waitFor(() => received.list.length >= 100, 10_000, '100 pushes on B');
    expect(received.list.map((r) => r.message.msgId)).toEqual(sent);
    const cursors = received.list.map((r) => r.cursor);
    expect([...cursors].sort((x, y) => x - y)).toEqual(cursors);
    seat.close();
  });

  it('lets a supervisor on B watch a seat whose traffic A takes', async () => {
    const sup = await connect(b, 'super1');
    const ack = await (sup.timeout(3000) as any).emitWithAck('watch', { custServId: seat1Id });
    expect(ack.code).toBe(200);
    const seen = nextEvent(sup, 'message:new');
    await postCallback(null, 'messageCallback', inboundMessage({ content: 'for the watcher' }), { url: a.url });
    expect((await seen).message.content).toBe('for the watcher');
    sup.close();
  });

  it("drops a user's sockets on every instance within a second of logout", async () => {
    const token = await a.login('seat2');
    const onA = await connect(a, 'seat2', token);
    const onB = await connect(b, 'seat2', token);
    const gone = Promise.all([onA, onB].map((s) => new Promise<number>((resolve) => s.once('disconnect', () => resolve(Date.now())))));
    const started = Date.now();
    expect((await a.call('POST', '/xd/auth/logout', { token })).status).toBe(200);
    const times = await gone;
    for (const at of times) expect(at - started).toBeLessThan(1000);
    // And the token no longer opens a socket anywhere.
    await expect(connectSocket(b.url, token)).rejects.toThrow();
  });

  it('survives Redis being SIGKILLed mid-stream: stored once, caught up by cursor, delivery resumes', async () => {
    const token = await b.login('seat1');
    const seat = await connect(b, 'seat1', token);
    const pushed = collectEvents(seat, 'message:new');
    // A socket on the instance that takes the callbacks gets every push, Redis or not.
    const local = await connect(a, 'seat1');
    const localPushes = collectEvents(local, 'message:new');
    const catchUp = await b.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId: seat1Id, since: 0 } });
    const startCursor: number = catchUp.body.data.cursor;
    const before = await messageCount(a.hub.store);

    const targets: string[] = [];
    let slowest = 0;
    const post = async (i: number) => {
      const body = inboundMessage({ content: `k${i}`, from: { id: `kill-${i}`, name: `K${i}` } });
      const started = Date.now();
      const answer = await postCallback(null, 'messageCallback', body, { url: a.url });
      slowest = Math.max(slowest, Date.now() - started);
      expect(answer.status).toBe(200);
      expect(answer.body.data.duplicate).toBe(false);
      targets.push(answer.body.data.receId);
      // A replay during the outage still changes nothing.
      if (i % 10 === 0) expect((await postCallback(null, 'messageCallback', body, { url: a.url })).body.data.duplicate).toBe(true);
    };
    for (let i = 0; i < 20; i++) await post(i);
    await redis.kill();
    slowest = 0;
    for (let i = 20; i < 60; i++) await post(i);
    expect(await health(a)).toBe('down');
    // Nothing on the callback path waited for the dead Redis.
    expect(slowest).toBeLessThan(500);
    await redis.start();
    for (let i = 60; i < 80; i++) await post(i);
    expect(await messageCount(a.hub.store)).toBe(before + 80);

    // Delivery across instances resumes once both clients have reconnected and re-subscribed.
    let resumed = false;
    for (let i = 0; !resumed; i++) {
      expect(i).toBeLessThan(100);
      const probe = nextEvent(seat, 'message:new', 200).then(() => true, () => false);
      await post(1000 + i);
      resumed = await probe;
    }
    expect(await health(a)).toBe('ok');

    // Pushes plus one catch-up give every target exactly: nothing missing.
    const alerts = await b.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId: seat1Id, since: startCursor } });
    const seen = new Set([...pushed.map((p) => p.receId), ...alerts.body.data.alerts.map((x: { receId: string }) => x.receId)]);
    for (const target of targets) expect(seen.has(target)).toBe(true);
    expect(new Set(alerts.body.data.alerts.map((x: { receId: string }) => x.receId))).toEqual(new Set(targets));
    await waitFor(() => localPushes.length === targets.length, 5000, 'local pushes');
    expect(localPushes.map((p) => p.receId)).toEqual(targets);
    // No push arrived twice.
    expect(new Set(pushed.map((p) => p.message.msgId)).size).toBe(pushed.length);
  });
});

describe('Redis unreachable from the start', () => {
  it('starts, takes callbacks and pushes to local sockets, reporting redis down', async () => {
    const { freePort } = await import('../helpers/redis.js');
    const port = await freePort();
    const t = await startHub({ listen: true, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    try {
      expect((await t.call('GET', '/healthz')).body.data).toEqual({ db: 'ok', redis: 'down' });
      const seat = await connectSocket(t.url, await t.login('seat1'));
      const pushed = nextEvent(seat, 'message:new');
      const answer = await postCallback(t, 'messageCallback', inboundMessage({ content: 'no redis' }));
      expect(answer.status).toBe(200);
      expect((await pushed).message.content).toBe('no redis');
      seat.close();
    } finally {
      await t.close();
    }
  });
});
