// The adapter setups every realtime suite runs under (as socket.io-redis-adapter's own suite
// does): one instance with in-memory rooms, and two instances sharing the database through
// Redis, where REST calls and callbacks reach A while the sockets under test live on B.
import { startHub, type StartHubOptions, type TestHub } from './hub.js';
import { startRedis } from './redis.js';

export interface RealtimeEnv {
  /** The hub that takes REST calls and bridge callbacks (instance A). */
  t: TestHub;
  /** Where sockets connect: A itself, or instance B. */
  socketUrl: string;
  /** The hub holding the sockets (A or B). */
  socketHub: TestHub;
  close(): Promise<void>;
}

export interface RealtimeSetup {
  name: string;
  /** Whether the instances fan out through Redis. */
  redis: boolean;
  start(options?: Pick<StartHubOptions, 'env' | 'clock'>): Promise<RealtimeEnv>;
}

export async function waitForBothInstances(hub: TestHub): Promise<void> {
  // serverCount() asks Redis how many instances listen on the adapter's channel: once B is
  // subscribed, A's broadcasts reach B's sockets.
  const deadline = Date.now() + 10_000;
  const adapter = hub.hub.io.of('/').adapter as unknown as { serverCount(): Promise<number> };
  while ((await adapter.serverCount().catch(() => 0)) < 2) {
    if (Date.now() > deadline) throw new Error('second instance never subscribed to Redis');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const realtimeSetups: RealtimeSetup[] = [
  {
    name: 'one instance, in-memory rooms',
    redis: false,
    async start(options = {}) {
      const t = await startHub({ ...options, listen: true });
      return { t, socketUrl: t.url, socketHub: t, close: () => t.close() };
    },
  },
  {
    name: 'two instances over Redis',
    redis: true,
    async start(options = {}) {
      const redis = await startRedis();
      const env = { ...options.env, REDIS_URL: redis.url };
      const a = await startHub({ ...options, env, listen: true });
      const b = await startHub({ ...options, env, listen: true, dir: a.dir });
      await waitForBothInstances(a);
      await waitForBothInstances(b);
      return {
        t: a,
        socketUrl: b.url,
        socketHub: b,
        async close() {
          await b.close();
          await a.close();
          await redis.stop();
        },
      };
    },
  },
];
