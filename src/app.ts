// The composition root: builds every dependency once and hands each feature what it needs,
// in a fixed order (error handling, rate limits, docs, then features).
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { createGuard } from './auth/auth.guard.js';
import { bridgeCallbackRoutes } from './bridge/bridge.routes.js';
import { createInboundIngest } from './messages/ingest.js';
import { createMessaging } from './messages/messaging.service.js';
import { messageRoutes } from './messages/messages.routes.js';
import { createMessagesFeature } from './messages/messages.socket.js';
import { createBridgeClient } from './bridge/bridge-factory.js';
import { reloginRoutes } from './bridge/relogin.routes.js';
import { startSandboxInbound } from './bridge/sandbox-inbound.js';
import { createAccess } from './access/access.js';
import { createPresenceFeature } from './realtime/presence.socket.js';
import { attachRedisAdapter } from './realtime/redis-adapter.js';
import { createWatchFeature } from './realtime/watch.socket.js';
import { latestCursor } from './timeline/timeline-alerts.repository.js';
import { timelineAlertsRoutes } from './timeline/timeline-alerts.routes.js';
import { createAuthRepository } from './auth/auth.repository.js';
import { authRoutes } from './auth/auth.routes.js';
import type { Config } from './config.js';
import { applyMigrations, openDatabase, type Database_ } from './db/open.js';
import { seedIfEmpty, type SeedOutcome } from './db/seed.js';
import { healthRoutes, type RedisHealth } from './health/health.routes.js';
import { installErrorHandling } from './http/error-handler.js';
import type { HubServer } from './realtime/events.js';
import { attachSocketFeatures, createSocketServer } from './realtime/socket-server.js';
import { systemClock, type Clock } from './time.js';

export interface Hub {
  app: FastifyInstance;
  io: HubServer;
  database: Database_;
  config: Config;
  seeded: SeedOutcome;
  close(): Promise<void>;
}

export interface BuildOptions {
  clock?: Clock;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<Hub> {
  const clock = options.clock ?? systemClock;
  const database = openDatabase(config.databasePath, { synchronous: config.sqliteSynchronous });
  applyMigrations(database.db);
  const seeded = await seedIfEmpty(database.db, {
    production: config.nodeEnv === 'production',
    adminUser: config.adminUser,
    adminPassword: config.adminPassword,
    now: clock.now(),
    tzName: config.tzName,
  });

  const app = Fastify({
    logger: { level: config.logLevel },
    // Behind a load balancer the client address comes from X-Forwarded-For.
    trustProxy: true,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandling(app);
  await app.register(rateLimit, { global: false, hook: 'preHandler' });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Seat hub API', version: '0.1.0', description: 'Seat console, bridge callbacks and management.' },
      components: { securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'token' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const authRepository = createAuthRepository(database.db);
  const guard = createGuard(authRepository, clock);
  const io = createSocketServer({ httpServer: app.server, authRepository, clock, allowedOrigins: config.allowedOrigins });

  const fanout = attachRedisAdapter(io, config.redisUrl, app.log);
  const access = createAccess(database.db);
  await app.register(healthRoutes, { sqlite: database.sqlite, redisHealth: (): RedisHealth => fanout.health() });
  await app.register(authRoutes, { prefix: '/xd/auth', authRepository, guard, io, clock, tokenTtlHours: config.tokenTtlHours });

  const ingest = createInboundIngest({ db: database.db, io, clock, tzName: config.tzName, log: app.log });
  const messaging = createMessaging({ db: database.db, io, access, clock, tzName: config.tzName, log: app.log });
  const bridge = createBridgeClient(config, (report) => messaging.applyStatus(report), app.log);
  messaging.setBridge(bridge);
  const stopDemoInbound =
    bridge.kind === 'sandbox' ? startSandboxInbound({ db: database.db, ingest, clock, perMinute: config.sandboxInboundPerMinute, log: app.log }) : () => undefined;
  await app.register(bridgeCallbackRoutes, { prefix: '/xd/protocol', secret: config.protocolSecret, ingest, messaging, db: database.db, io, clock });
  await app.register(reloginRoutes, { prefix: '/xd/protocol', guard, access, bridge: () => bridge });
  await app.register(messageRoutes, { prefix: '/xd/client', guard, messaging });

  await app.register(timelineAlertsRoutes, { prefix: '/xd/client', db: database.db, access, guard, tzName: config.tzName });

  const logSocketError = (err: unknown) => app.log.error({ err }, 'socket handler failed');
  attachSocketFeatures(io, [
    createMessagesFeature({ messaging, onError: logSocketError }),
    createWatchFeature({ access, onError: logSocketError }),
    createPresenceFeature({ io, latestCursor: () => latestCursor(database.db), onError: logSocketError }),
  ]);

  let closed = false;
  return {
    app,
    io,
    database,
    config,
    seeded,
    async close() {
      if (closed) return;
      closed = true;
      stopDemoInbound();
      messaging.close();
      bridge.close();
      // Redis first: the adapter's own close unsubscribes, which would wait on a dead Redis.
      await fanout.close();
      await io.close().catch(() => undefined);
      await app.close();
      database.close();
    },
  };
}
