// The composition root: builds every dependency once and hands each feature what it needs,
// in a fixed order (error handling, rate limits, docs, then features).
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAccess } from './access/access.js';
import { accountRoutes } from './accounts/accounts.routes.js';
import { createGuard } from './auth/auth.guard.js';
import { bridgeCallbackRoutes } from './bridge/bridge.routes.js';
import { createInboundIngest } from './messages/ingest.js';
import { createMessaging } from './messages/messaging.service.js';
import { messageRoutes } from './messages/messages.routes.js';
import { createMessagesFeature } from './messages/messages.socket.js';
import { createBridgeClient } from './bridge/bridge-factory.js';
import { startDeliveryPruning } from './bridge/deliveries-pruning.js';
import { reloginRoutes } from './bridge/relogin.routes.js';
import { startSandboxInbound } from './bridge/sandbox-inbound.js';
import { createPresenceFeature } from './realtime/presence.socket.js';
import { attachRedisAdapter } from './realtime/redis-adapter.js';
import { createWatchFeature } from './realtime/watch.socket.js';
import { latestCursor } from './timeline/timeline-alerts.repository.js';
import { timelineAlertsRoutes } from './timeline/timeline-alerts.routes.js';
import { createAuthRepository } from './auth/auth.repository.js';
import { authRoutes } from './auth/auth.routes.js';
import type { Config } from './config.js';
import { conversationRoutes } from './conversations/conversations.routes.js';
import { historyRoutes } from './conversations/history.routes.js';
import { startCheckpointer } from './db/checkpointer.js';
import { applyMigrations, openDatabase, type Database_ } from './db/open.js';
import { seedIfEmpty, type SeedOutcome } from './db/seed.js';
import { createFans } from './fans/fans.js';
import { fansRoutes } from './fans/fans.routes.js';
import { healthRoutes, type RedisHealth } from './health/health.routes.js';
import { ErrorCodeSchema } from './http/envelope.schemas.js';
import { frameworkErrors, installErrorHandling } from './http/error-handler.js';
import type { HubServer } from './realtime/hub-server.js';
import { attachSocketFeatures, createSocketServer } from './realtime/socket-server.js';
import { createMessageIndexer } from './search/message-index.repository.js';
import { startMessageIndexing } from './search/message-indexing.js';
import { searchRoutes } from './search/search.routes.js';
import { systemClock, type Clock } from './time.js';
import { createTransfers } from './transfers/transfers.js';
import { transferRoutes } from './transfers/transfers.routes.js';
import { createTagsRepository } from './tags/tags.repository.js';
import { tagRoutes } from './tags/tags.routes.js';
import { createRepliesRepository } from './replies/replies.repository.js';
import { replyRoutes } from './replies/replies.routes.js';
import { createLibreTranslate } from './translate/libretranslate.js';
import { createTranslationCache } from './translate/translate.repository.js';
import { translateRoutes } from './translate/translate.routes.js';
import { createTranslateService } from './translate/translate.service.js';
import { createMediaRepository } from './media/media.repository.js';
import { mediaRoutes } from './media/media.routes.js';
import { createOriginalImages } from './media/original-images.js';
import { createManagementRepository } from './management/management.repository.js';
import { managementRoutes } from './management/management.routes.js';
import { consoleRoutes } from './console/console.routes.js';

export function redactTokenQuery(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}

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
  const checkpointer = startCheckpointer(database.sqlite);

  const app = Fastify({
    logger: {
      level: config.logLevel,
      // <img> tags pass the token in the query string (GET /xd/media/…?token=): never log it.
      serializers: {
        req: (request) => ({
          method: request.method,
          url: redactTokenQuery(request.url),
          remoteAddress: request.ip,
        }),
      },
    },
    // Behind a load balancer the client address comes from X-Forwarded-For.
    trustProxy: true,
    bodyLimit: 1024 * 1024,
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandling(app);
  // Shared before any route: every failure response refers to it, and OpenAPI lists it once.
  app.addSchema(ErrorCodeSchema);
  await app.register(rateLimit, { global: false, hook: 'preHandler' });
  await app.register(swagger, {
    // Shared schemas appear under their own $id (components.schemas.ErrorCode), not def-N.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
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

  const fans = createFans({ db: database.db, io, clock, tzName: config.tzName });
  const ingest = createInboundIngest({
    db: database.db,
    io,
    clock,
    tzName: config.tzName,
    log: app.log,
    onNewFan: (seatId, day, cursor) => fans.announce(seatId, day, cursor),
  });
  const messaging = createMessaging({ db: database.db, io, access, clock, tzName: config.tzName, log: app.log });
  const bridge = createBridgeClient(config, (report) => messaging.applyStatus(report), app.log);
  messaging.setBridge(bridge);
  const stopDeliveryPruning = startDeliveryPruning({ db: database.db, clock, log: app.log });
  const stopDemoInbound =
    bridge.kind === 'sandbox' ? startSandboxInbound({ db: database.db, ingest, clock, perMinute: config.sandboxInboundPerMinute, log: app.log }) : () => undefined;
  await app.register(bridgeCallbackRoutes, { prefix: '/xd/protocol', secret: config.protocolSecret, ingest, messaging, db: database.db, io, clock });
  await app.register(reloginRoutes, { prefix: '/xd/protocol', guard, access, bridge: () => bridge });
  await app.register(messageRoutes, { prefix: '/xd/client', guard, messaging });

  await app.register(timelineAlertsRoutes, { prefix: '/xd/client', db: database.db, access, guard, tzName: config.tzName });

  const transfers = createTransfers({ db: database.db, io, clock, tzName: config.tzName });
  await app.register(transferRoutes, { prefix: '/xd/client', transfers, guard });
  await app.register(fansRoutes, { prefix: '/xd/client', fans, guard });
  await app.register(tagRoutes, { prefix: '/xd/client', tags: createTagsRepository(database.db), access, guard, clock, tzName: config.tzName });
  await app.register(replyRoutes, { prefix: '/xd/client', replies: createRepliesRepository(database.db), guard, io, clock });
  const translator = config.translateUrl ? createLibreTranslate({ baseUrl: config.translateUrl, timeoutMs: 4000 }) : undefined;
  const translate = createTranslateService({ cache: createTranslationCache(database.db), translator, clock });
  await app.register(translateRoutes, { prefix: '/xd/client', translate, guard });
  const media = createMediaRepository(database.db);
  const originals = createOriginalImages({ media, bridge, mediaDir: config.mediaDir, clock });
  await app.register(mediaRoutes, { prefix: '/xd', media, originals, access, authRepository, guard, clock });
  await app.register(managementRoutes, { prefix: '/xd', management: createManagementRepository(database.db), access, guard, io, clock, tzName: config.tzName });
  const seatRead = { prefix: '/xd/client', sqlite: database.sqlite, access, guard, clock, tzName: config.tzName };
  await app.register(accountRoutes, seatRead);
  await app.register(conversationRoutes, seatRead);
  await app.register(historyRoutes, seatRead);
  const messageIndexer = createMessageIndexer(database.sqlite);
  const stopMessageIndexing = startMessageIndexing(messageIndexer, { log: app.log });
  await app.register(searchRoutes, { ...seatRead, messageIndexer });

  // Last: the console's fallback route must not shadow any API route registered above.
  await app.register(consoleRoutes, { webRoot: fileURLToPath(new URL('../dist/web', import.meta.url)) });

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
      stopDeliveryPruning();
      stopMessageIndexing();
      stopDemoInbound();
      messaging.close();
      bridge.close();
      // Redis first: the adapter's own close unsubscribes, which would wait on a dead Redis.
      await fanout.close();
      await io.close().catch(() => undefined);
      await app.close();
      await checkpointer.stop();
      database.close();
    },
  };
}
