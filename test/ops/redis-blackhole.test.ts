// Redis partitioned away (a blackhole: connections stay open, nothing is forwarded) from two
// hub instances while the bridge posts 200 signed callbacks a second to one of them for 30 s:
// the callback path keeps answering, the fan-out's queue of unanswered Redis commands stays
// bounded, /healthz says redis down within 5 s and ok again after healing, and the seat held by
// the other instance catches up with nothing missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageNewPayload } from '../../src/realtime/events.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { appliedThrough, catchUp } from '../helpers/catch-up.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';
import { waitForBothInstances } from '../helpers/setups.js';
import { collectEvents, connectSocket, nextEvent, type ClientSocket } from '../helpers/sockets.js';
import { userIdIn } from '../messages/fixtures.js';

const RATE_PER_S = 200;
const BLACKHOLE_MS = 30_000;
const TICK_MS = 50;
const env = (proxy: FaultProxy) => ({ REDIS_URL: `redis://${proxy.address}`, REDIS_COMMAND_TIMEOUT_MS: '1000', REDIS_PROBE_INTERVAL_MS: '1000' });

const redisHealth = async (hub: TestHub): Promise<string> => (await hub.call('GET', '/healthz')).body.data.redis;
const pendingCommands = async (hub: TestHub): Promise<number> => {
  const text = (await hub.call('GET', '/metrics')).body as string;
  const match = /^hub_redis_pending_commands (\d+)$/m.exec(text);
  if (!match) throw new Error('no hub_redis_pending_commands in /metrics');
  return Number(match[1]);
};

interface Answered {
  status: number;
  ms: number;
  receId?: string;
  msgId?: string;
  content: string;
}

describe('a Redis blackhole under callback load', () => {
  let redis: PrivateRedis;
  let proxies: FaultProxy[];
  let a: TestHub;
  let b: TestHub;
  let socket: ClientSocket | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    proxies = [await startFaultProxy({ port: redis.port }), await startFaultProxy({ port: redis.port })];
    a = await startHub({ listen: true, env: env(proxies[0]!) });
    b = await startHub({ listen: true, env: env(proxies[1]!), dir: a.dir });
    await waitForBothInstances(a);
    await waitForBothInstances(b);
  });
  afterAll(async () => {
    socket?.close();
    for (const proxy of proxies ?? []) proxy.setMode('pass');
    await b?.close();
    await a?.close();
    for (const proxy of proxies ?? []) await proxy.close();
    await redis?.stop();
  });

  it('keeps taking callbacks, bounds the Redis queue, reports down, and the remote seat catches up', async () => {
    const seatId = String(await userIdIn(a.hub.store, 'seat1'));
    const token = await b.login('seat1');
    socket = await connectSocket(b.url, token);
    const pushes: MessageNewPayload[] = collectEvents(socket, 'message:new');
    // B hears A before the partition (the subscriber may still be subscribing right after start).
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(50);
      const probe = nextEvent(socket, 'message:new', 200).then(() => true, () => false);
      await postCallback(null, 'messageCallback', inboundMessage({ content: 'probe', from: { id: `bh-probe-${i}`, name: 'probe' } }), { url: a.url });
      if (await probe) break;
    }
    // The client's position once it has applied everything pushed so far.
    const start = await catchUp(b, token, seatId, 0);
    let clientSeq = start.seq;

    // Load: RATE_PER_S callbacks a second, each to a target of its own, answers not awaited in turn.
    const answers: Promise<Answered>[] = [];
    let n = 0;
    const fire = () => {
      for (let k = 0; k < (RATE_PER_S * TICK_MS) / 1000; k++) {
        const i = n++;
        const content = `bh ${i}`;
        const sentAt = Date.now();
        answers.push(
          postCallback(null, 'messageCallback', inboundMessage({ content, from: { id: `bh-${i}`, name: `BH ${i}` } }), { url: a.url }).then(
            (answer) => ({ status: answer.status, ms: Date.now() - sentAt, receId: answer.body?.data?.receId, msgId: answer.body?.data?.msgId, content }),
            () => ({ status: 0, ms: Date.now() - sentAt, content }),
          ),
        );
      }
    };

    // The partition starts; the client's last position is what it had applied by then.
    clientSeq = appliedThrough(clientSeq, pushes.map((p) => p.seq));
    for (const proxy of proxies) proxy.setMode('blackhole');
    const cutAt = Date.now();
    const loader = setInterval(fire, TICK_MS);

    const downAfter: Record<string, number> = {};
    const pending: Array<{ at: number; a: number; b: number }> = [];
    let heapPeak = process.memoryUsage().heapUsed;
    const heapAtCut = heapPeak;
    try {
      while (Date.now() - cutAt < BLACKHOLE_MS) {
        await new Promise((r) => setTimeout(r, 250));
        const at = Date.now() - cutAt;
        for (const [name, hub] of [['a', a], ['b', b]] as const) {
          if (downAfter[name] === undefined && (await redisHealth(hub)) === 'down') downAfter[name] = at;
        }
        pending.push({ at, a: await pendingCommands(a), b: await pendingCommands(b) });
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
    } finally {
      clearInterval(loader);
    }
    const results = await Promise.all(answers);
    for (const proxy of proxies) proxy.setMode('pass');
    const healedAt = Date.now();

    // The callback path kept answering: every callback stored and answered, none held up.
    expect(results.length).toBeGreaterThanOrEqual(RATE_PER_S * (BLACKHOLE_MS / 1000) * 0.9);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(3000);

    // No queue of unanswered commands growing with the traffic: bounded at its peak (what the
    // first seconds before detection hold), and back to a handful for the rest of the outage.
    const peak = Math.max(...pending.map((p) => Math.max(p.a, p.b)));
    const late = pending.filter((p) => p.at > 10_000);
    if (process.env.FAULT_FIGURES) {
      console.info(JSON.stringify({ callbacks: results.length, maxAnswerMs: Math.max(...results.map((r) => r.ms)), downAfter, peakPending: peak, heapGrowthMb: Math.round((heapPeak - heapAtCut) / 2 ** 20) }));
    }
    expect(peak).toBeLessThan(1500);
    expect(Math.max(...late.map((p) => Math.max(p.a, p.b)))).toBeLessThanOrEqual(10);

    // Health said so within 5 s on both instances.
    expect(downAfter.a ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(5000);
    expect(downAfter.b ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(5000);

    // Healing: both instances report ok again, and fan-out from A to B works again.
    for (const hub of [a, b]) {
      while ((await redisHealth(hub)) !== 'ok') {
        expect(Date.now() - healedAt).toBeLessThan(5000);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(100);
      const probe = nextEvent(socket, 'message:new', 200).then((p) => p.message.content === `after ${i}`, () => false);
      await postCallback(null, 'messageCallback', inboundMessage({ content: `after ${i}`, from: { id: `bh-after-${i}`, name: 'after' } }), { url: a.url });
      if (await probe) break;
    }

    // The first push after healing is numbered past a gap: that is how the client learns it
    // missed something while its socket stayed connected.
    const lastPush = pushes.at(-1)!;
    expect(lastPush.custServId).toBe(seatId);
    expect(lastPush.seq).toBeGreaterThan(appliedThrough(clientSeq, pushes.map((p) => p.seq)) + 1);
    // The remote seat catches up from where it was: what it got pushed plus what the catch-up
    // names is every callback the hub accepted, each target in its latest state; no push twice.
    const caught = await catchUp(b, token, seatId, appliedThrough(clientSeq, pushes.map((p) => p.seq)));
    expect(caught.seq).toBeGreaterThanOrEqual(lastPush.seq);
    const pushedReceIds = new Set(pushes.map((p) => p.receId));
    const missed = results.filter((r) => !pushedReceIds.has(r.receId!) && !caught.alerts.has(r.receId!));
    expect(missed).toEqual([]);
    for (const r of results) {
      const alert = caught.alerts.get(r.receId!);
      if (alert) expect(alert.lastContent).toBe(r.content);
    }
    expect(caught.pages).toBeGreaterThan(1);
    const pushedMsgIds = pushes.map((p) => p.message.msgId);
    expect(new Set(pushedMsgIds).size).toBe(pushedMsgIds.length);
  }, 90_000);

  it('notices a partition with nothing published, by its PING, and recovers when it heals', async () => {
    for (const hub of [a, b]) expect(await redisHealth(hub)).toBe('ok');
    for (const proxy of proxies) proxy.setMode('blackhole');
    const cutAt = Date.now();
    try {
      for (const hub of [a, b]) {
        while ((await redisHealth(hub)) !== 'down') {
          expect(Date.now() - cutAt).toBeLessThan(5000);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      for (const proxy of proxies) proxy.setMode('pass');
    }
    const healedAt = Date.now();
    for (const hub of [a, b]) {
      while ((await redisHealth(hub)) !== 'ok') {
        expect(Date.now() - healedAt).toBeLessThan(5000);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }, 20_000);
});
