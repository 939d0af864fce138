// A property over random interleavings of callbacks posted to two hub instances (sharing rooms
// through Redis) and a seat's socket dropping and reconnecting on either instance: a client that
// follows the seat's stream as API.md says (apply seq = last + 1, ignore seq ≤ last, catch up
// with sinceSeq on a gap and on every connect) ends up equal to the database, applies nothing
// twice, and the numbers it gets, by push or by catch-up, are exactly the seat's next ones.
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentSeq } from '../../src/activity/activity.repository.js';
import type { MessageNewPayload } from '../../src/realtime/events.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { realtimeSetups, type RealtimeEnv } from '../helpers/setups.js';
import { connectSocket, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { userIdIn } from '../messages/fixtures.js';

interface TargetView {
  lastContent: string | null;
  lastSendTimeMs: number;
  unread: number;
}

interface AlertsAnswer {
  seq: number;
  more: boolean;
  alerts: { receId: string; unread: number; lastContent: string | null; lastSendTimeMs: number | null }[];
}

/** A client of one seat's stream, processing events one at a time, as the console does. */
class StreamClient {
  last: number;
  readonly applied: number[] = [];
  readonly caughtUp: [number, number][] = [];
  readonly targets = new Map<string, TargetView>();
  private queue: { event: string; payload: { custServId?: string; seq?: number } }[] = [];
  private busy: Promise<void> = Promise.resolve();
  socket: ClientSocket | null = null;

  constructor(
    private readonly seatId: string,
    start: number,
    private readonly fetchAlerts: (sinceSeq: number) => Promise<AlertsAnswer>,
  ) {
    this.last = start;
  }

  /** Connects, then catches up before taking pushes as they come (they queue meanwhile). */
  async connect(url: string, token: string): Promise<void> {
    const socket = await connectSocket(url, token);
    this.socket = socket;
    socket.onAny((event: string, payload: { custServId?: string; seq?: number }) => {
      if (this.socket !== socket) return;
      this.queue.push({ event, payload });
      this.run(() => this.drain());
    });
    await this.run(() => this.catchUp());
  }

  drop(): void {
    this.socket?.close();
    this.socket = null;
  }

  idle(): Promise<void> {
    return this.busy;
  }

  private run(step: () => Promise<void>): Promise<void> {
    this.busy = this.busy.then(step);
    return this.busy;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const { event, payload } = this.queue.shift()!;
      if (payload.custServId !== this.seatId || payload.seq === undefined) continue;
      if (payload.seq <= this.last) continue;
      if (payload.seq > this.last + 1) {
        // Missed something: the answer covers this event too, or a later push follows.
        await this.catchUp();
        continue;
      }
      this.apply(event, payload);
      this.applied.push(payload.seq);
      this.last = payload.seq;
    }
  }

  private apply(event: string, payload: unknown): void {
    if (event !== 'message:new') return;
    const { receId, message } = payload as MessageNewPayload;
    const view = this.targets.get(receId) ?? { lastContent: null, lastSendTimeMs: 0, unread: 0 };
    if (view.lastSendTimeMs <= message.sendTimeMs) {
      view.lastContent = message.content;
      view.lastSendTimeMs = message.sendTimeMs;
    }
    if (message.sender === 1 && message.contReadState === '0') view.unread += 1;
    this.targets.set(receId, view);
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const since = this.last;
      const answer = await this.fetchAlerts(since);
      for (const alert of answer.alerts) {
        this.targets.set(alert.receId, { lastContent: alert.lastContent, lastSendTimeMs: alert.lastSendTimeMs ?? 0, unread: alert.unread });
      }
      if (answer.seq > since) this.caughtUp.push([since, answer.seq]);
      this.last = Math.max(this.last, answer.seq);
      if (!answer.more) return;
    }
  }
}

const setup = realtimeSetups.find((s) => s.redis)!;

describe('seat stream over two instances (property)', () => {
  let env: RealtimeEnv;
  let seatId: number;
  let token: string;
  const store = () => env.t.hub.store;

  beforeAll(async () => {
    env = await setup.start();
    seatId = await userIdIn(store(), 'seat1');
    token = await env.t.login('seat1');
  });
  afterAll(() => env.close());

  const op = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('callback' as const), via: fc.constantFrom(0, 1), target: fc.integer({ min: 0, max: 2 }), wait: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('connect' as const), via: fc.constantFrom(0, 1) }) },
  );

  it('applies exactly the seat’s numbers, once each, and ends equal to the database', async () => {
    let run = 0;
    const paths = { pushed: 0, caughtUp: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1), fc.array(op, { minLength: 1, maxLength: 20 }), async (firstVia, ops) => {
        run += 1;
        const hubs = [env.t, env.socketHub];
        const start = (await currentSeq(store(), seatId));
        const client = new StreamClient(String(seatId), start, async (sinceSeq) => {
          const res = await env.t.call('POST', '/xd/client/timelineAlerts', { token, body: { custServId: String(seatId), sinceSeq } });
          expect(res.status).toBe(200);
          return res.body.data as AlertsAnswer;
        });
        const inFlight: Promise<unknown>[] = [];
        try {
          await client.connect(hubs[firstVia]!.url, token);
          for (const step of ops) {
            if (step.kind === 'callback') {
              const sent = postCallback(hubs[step.via]!, 'messageCallback', inboundMessage({ from: { id: `prop-${run}-${step.target}`, name: `P${step.target}` } }));
              if (step.wait) expect((await sent).status).toBe(200);
              else inFlight.push(sent.then((r) => expect(r.status).toBe(200)));
            } else if (step.kind === 'drop') {
              client.drop();
            } else if (!client.socket) {
              await client.connect(hubs[step.via]!.url, token);
            }
          }
          await Promise.all(inFlight);
          if (!client.socket) await client.connect(hubs[1]!.url, token);
          const end = (await currentSeq(store(), seatId));
          await waitFor(() => client.last >= end, 5000, `seq ${end} (at ${client.last})`);
          await client.idle();

          // Every number from start+1 to end, each once: by a push or inside one catch-up answer.
          const got = [...client.applied];
          for (const [from, to] of client.caughtUp) for (let s = from + 1; s <= to; s += 1) got.push(s);
          got.sort((a, b) => a - b);
          expect(got).toEqual(Array.from({ length: end - start }, (_, i) => start + 1 + i));

          // And what it holds is the database's state of every target of this run.
          const touched = new Set(client.targets.keys());
          const { conversations } = store().tables;
          for (const row of await store().db.select().from(conversations).where(eq(conversations.seatId, seatId))) {
            const view = client.targets.get(String(row.targetId));
            if (!view) continue;
            touched.delete(String(row.targetId));
            expect({ receId: String(row.targetId), lastContent: view.lastContent, unread: view.unread }).toEqual({
              receId: String(row.targetId),
              lastContent: row.lastContent,
              unread: row.unreadCount,
            });
          }
          expect([...touched]).toEqual([]);
          const callbacks = ops.filter((o) => o.kind === 'callback').length;
          const targets = new Set(ops.flatMap((o) => (o.kind === 'callback' ? [o.target] : []))).size;
          // One number per message, one more per first-seen target (its fans:count).
          expect(end - start).toBe(callbacks + targets);
          expect(client.targets.size).toBe(targets);
          paths.pushed += client.applied.length;
          paths.caughtUp += client.caughtUp.length;
        } finally {
          client.drop();
        }
      }),
      { numRuns: 25 },
    );
    // Both ways of learning about a change were exercised.
    expect(paths.pushed).toBeGreaterThan(0);
    expect(paths.caughtUp).toBeGreaterThan(0);
  });
});
