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
import { createAccountEvents } from './bridge/account-events.js';
import { createBridge } from './bridge/bridge-factory.js';
import { evolutionRoutes } from './bridge/evolution/evolution.routes.js';
import { wahaRoutes } from './bridge/waha/waha.routes.js';
import { createWebhookEffects } from './bridge/webhook-effects.js';
import { createUnhandledEvents } from './bridge/webhook-intake.js';
import { createDeliveryWorker } from './messages/delivery-worker.js';
import { createMessageStatus } from './messages/message-status.js';
import { startDeliveryPruning } from './bridge/deliveries-pruning.js';
import { createDeliveriesRepository } from './bridge/deliveries.repository.js';
import { createBridgeRepository } from './bridge/bridge.repository.js';
import { reloginRoutes } from './bridge/relogin.routes.js';
import { startSandboxInbound } from './bridge/sandbox-inbound.js';
import { createPresenceFeature } from './realtime/presence.socket.js';
import { attachRedisAdapter } from './realtime/redis-adapter.js';
import { createWatchFeature } from './realtime/watch.socket.js';
import { latestCursor } from './activity/activity.repository.js';
import { timelineAlertsRoutes } from './timeline/timeline-alerts.routes.js';
import { createAuthRepository } from './auth/auth.repository.js';
import { authRoutes } from './auth/auth.routes.js';
import { createMemoryFailureCounter, createRedisFailureCounter } from './auth/failure-counter.js';
import { createHashGate } from './auth/hash-gate.js';
import { createLoginThrottle } from './auth/login-throttle.js';
import { startSessionWatch } from './auth/session-watch.js';
import { createSessionFeature } from './realtime/session-socket.js';
import { createOutboundCapFeature } from './realtime/outbound-cap.js';
import type { Config } from './config.js';
import { conversationRoutes } from './conversations/conversations.routes.js';
import { historyRoutes } from './conversations/history.routes.js';
import { startCheckpointer } from './db/checkpointer.js';
import { sqliteView, type Database_ } from './db/open.js';
import { openStore } from './db/open-store.js';
import type { Store } from './db/store.js';
import { seedIfEmpty, type SeedOutcome } from './db/seed.js';
import { createFans } from './fans/fans.js';
import { fansRoutes } from './fans/fans.routes.js';
import { createDbProbe } from './health/db-probe.js';
import { healthRoutes, type RedisHealth } from './health/health.routes.js';
import { ErrorCodeSchema } from './http/envelope.schemas.js';
import { frameworkErrors, installErrorHandling } from './http/error-handler.js';
import { installTextGuard } from './http/text-guard.js';
import type { HubServer } from './realtime/hub-server.js';
import { attachSocketFeatures, createSocketServer } from './realtime/socket-server.js';
import { createMessageIndexer } from './search/message-index.repository.js';
import { startMessageIndexing } from './search/message-indexing.js';
import { searchRoutes } from './search/search.routes.js';
import { dayOf, systemClock, type Clock } from './time.js';
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
import { createDashboardChanges } from './dashboard/changes.js';
import { createDashboard } from './dashboard/dashboard.js';
import { dashboardRoutes } from './dashboard/dashboard.routes.js';
import { rebuildDashboardIfMissing } from './dashboard/rebuild.repository.js';
import { createSummaryRepository } from './dashboard/summary.repository.js';
import { locallyOnlineUsers, onlineUsers } from './realtime/user-sockets.js';
import { createManagementRepository } from './management/management.repository.js';
import { countCalls } from './metrics/count-calls.js';
import { createMetrics } from './metrics/metrics.js';
import { installMetrics } from './metrics/metrics.routes.js';
import { installLoadShedding } from './health/pressure.js';
import { BridgeError } from './messages/bridge-port.js';
import { randomUUID } from 'node:crypto';
import { managementRoutes } from './management/management.routes.js';
import { menuRoutes } from './permissions/menus.routes.js';
import { navigationRoutes } from './permissions/navigation.routes.js';
import { createSocketPermissionFeature, installPermissionGuard, type RouteRecord } from './permissions/permission-guard.js';
import { ruleForRoute } from './permissions/permission-table.js';
import { createPermissions } from './permissions/permissions.js';
import type { RecordAudit } from './permissions/permissions.service.js';
import { redactTokenQuery } from './http/query-token.js';
import { adminRoutes } from './admin/admin.routes.js';
import { createAuditRepository, recordAudit } from './audit/audit.repository.js';
import { auditRoutes } from './audit/audit.routes.js';
import { passwordChangeRoutes } from './auth/password-change.routes.js';
import { createHttpGroupCalls, createSandboxGroupCalls, groupCallsThroughPort } from './bridge/group-calls.js';
import { createGroupPullScheduler } from './group-pulls/group-pull-scheduler.js';
import { createGroupPulls } from './group-pulls/group-pulls.js';
import { createGroupPullsRepository } from './group-pulls/group-pulls.repository.js';
import { groupPullRoutes } from './group-pulls/group-pulls.routes.js';
import { createIp2world } from './proxies/ip2world.js';
import { createProxiesRepository } from './proxies/proxies.repository.js';
import { proxyRoutes } from './proxies/proxies.routes.js';
import { createProxyPool, startProxyChecker } from './proxies/proxy-pool.js';
import { consoleRoutes } from './console/console.routes.js';

export { redactTokenQuery } from './http/query-token.js';

export interface Hub {
  app: FastifyInstance;
  io: HubServer;
  /** The SQLite file's connection, for tests and tools that inspect it; throws on PostgreSQL. */
  readonly database: Database_;
  /** The data handle repositories get, on either engine. */
  store: Store;
  config: Config;
  seeded: SeedOutcome;
  /** Every route registered after the permission guard, with the permission it needs. */
  routes(): RouteRecord[];
  close(): Promise<void>;
}

export interface BuildOptions {
  clock?: Clock;
  /** How often each instance re-reads the permission version (ms); 500 by default. */
  permissionPollMs?: number;
  /** Writes an audit row inside an administrative change's transaction (none by default). */
  recordAudit?: RecordAudit;
  /** Where the log lines go (stdout by default); tests read them. */
  logStream?: { write(line: string): void };
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<Hub> {
  const clock = options.clock ?? systemClock;
  const store = await openStore(config);
  const seeded = await seedIfEmpty(store, {
    production: config.nodeEnv === 'production',
    adminUser: config.adminUser,
    adminPassword: config.adminPassword,
    now: clock.now(),
    tzName: config.tzName,
  });
  // A database from before the dashboard counters gets them once, from its messages.
  await rebuildDashboardIfMissing(store, config.tzName);
  // SQLite's WAL is checkpointed off the event loop; PostgreSQL checkpoints by itself.
  const checkpointer = store.dialect === 'sqlite' ? startCheckpointer(store.sqlite) : undefined;
  const database = store.dialect === 'sqlite' ? sqliteView(store.sqlite) : undefined;

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
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // X-Forwarded-For is believed only from the configured proxies, so `request.ip` (rate
    // limits, logs, audit rows) is the real client and not whatever a client claims.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    bodyLimit: 1024 * 1024,
    frameworkErrors,
    // Every log line of a request carries its id; a caller's own X-Request-Id is kept when sane,
    // so one id follows a request through a load balancer and several hub instances.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandling(app);
  installTextGuard(app);
  // Shared before any route: every failure response refers to it, and OpenAPI lists it once.
  app.addSchema(ErrorCodeSchema);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  await installLoadShedding(app, config.pressure);
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

  const authRepository = createAuthRepository(store);
  const guard = createGuard(authRepository, clock);
  const io = createSocketServer({ httpServer: app.server, authRepository, clock, allowedOrigins: config.allowedOrigins });

  const fanout = attachRedisAdapter(io, config.redisUrl, config.redis, app.log);
  const metrics = createMetrics({
    sockets: () => io.of('/').sockets.size,
    rooms: () => io.of('/').adapter.rooms.size,
    redis: () => fanout.health(),
    redisPending: () => fanout.pendingCommands(),
  });
  installMetrics(app, { metrics, allow: config.metricsAllow });
  const stopSessionWatch = startSessionWatch({ io, sessions: authRepository, clock, intervalMs: config.sessionCheckIntervalMs, log: app.log });
  const access = createAccess(store);
  const permissions = await createPermissions({
    store,
    io,
    broadcast: config.redisUrl !== undefined,
    pollMs: options.permissionPollMs ?? 500,
    // Menu and grant changes land in the one audit log, in the change's own transaction.
    recordAudit: options.recordAudit ?? ((tx, entry) => recordAudit(tx, { ...entry, at: clock.now() })),
    onError: (err) => app.log.warn({ err }, 'permission refresh failed; keeping the last copy'),
  });
  // Before any route: every route registered below is checked against the permission table.
  const routes = installPermissionGuard(app, permissions.permit);
  await app.register(healthRoutes, { probeDb: createDbProbe(store), redisHealth: (): RedisHealth => fanout.health() });
  const loginWindowMs = config.login.windowSeconds * 1000;
  const loginFailures = config.redisUrl
    ? createRedisFailureCounter(config.redisUrl, loginWindowMs, app.log, { keepAliveMs: config.redis.keepAliveMs })
    : createMemoryFailureCounter(loginWindowMs);
  await app.register(authRoutes, {
    prefix: '/xd/auth',
    authRepository,
    guard,
    io,
    clock,
    tokenTtlSeconds: config.tokenTtlSeconds,
    loginThrottle: createLoginThrottle(loginFailures, config.login),
    hashGate: createHashGate({ concurrency: config.login.hashConcurrency, queue: config.login.hashQueue }),
  });
  await app.register(navigationRoutes, { prefix: '/xd/auth', guard, store: permissions.store, repository: permissions.repository });
  await app.register(menuRoutes, { prefix: '/xd/admin', guard, permissions: permissions.service });
  await app.register(passwordChangeRoutes, { prefix: '/xd/auth', store, authRepository, guard, io, clock });

  const dashboardChanges = createDashboardChanges({ io });
  // Presence and account status change today's figures (seats and accounts online).
  const changedToday = (branchId: number | null, cursor: number) => dashboardChanges.changed(branchId, dayOf(clock.now(), config.tzName), cursor);
  const fans = createFans({ store, access, io, clock, tzName: config.tzName, onCorrected: dashboardChanges.changed });
  const ingest = createInboundIngest({
    store,
    io,
    clock,
    tzName: config.tzName,
    log: app.log,
    onNewFan: (seatId, day, stamp) => void fans.announce(seatId, day, stamp).catch((err: unknown) => app.log.error({ err }, 'new-fan announcement failed')),
    observe: { batch: metrics.ingestBatch, pushed: metrics.pushed },
    onDashboardChange: dashboardChanges.changed,
  });
  // Status first: the sandbox bridge reports through it; then the bridge, the delivery worker
  // that hands replies to it, and the sends that feed the worker.
  const statuses = createMessageStatus({ store, io, clock });
  const bridgeRepository = createBridgeRepository(store);
  const accountEvents = createAccountEvents({ repository: bridgeRepository, io, clock, onStatusChanged: changedToday });
  const bridge = countCalls(
    createBridge(config, { repository: bridgeRepository, applyStatus: (report) => void statuses.apply(report).catch((error: unknown) => app.log.warn({ err: error, report }, 'sandbox status report not applied')), log: app.log }),
    metrics.bridgeCall,
    (error) => (error instanceof BridgeError && error.retryable ? 'retry' : 'failed'),
    ['close'],
  );
  const delivery = createDeliveryWorker({ store, bridge, clock, publish: statuses.push, log: app.log });
  const messaging = createMessaging({ store, io, access, clock, tzName: config.tzName, log: app.log, delivery, onDashboardChange: dashboardChanges.changed });
  const stopDeliveryPruning = startDeliveryPruning({ deliveries: createDeliveriesRepository(store), clock, log: app.log });
  const stopDemoInbound =
    bridge.kind === 'sandbox' ? startSandboxInbound({ repository: bridgeRepository, ingest, clock, perMinute: config.sandboxInboundPerMinute, log: app.log }) : () => undefined;
  const proxies = createProxiesRepository(store);
  const proxyPool = createProxyPool({
    proxies,
    io,
    clock,
    checkTarget: config.proxyCheckTarget,
    checkTimeoutMs: config.proxyCheckTimeoutMs,
    provider: config.proxyProvider === 'ip2world' && config.proxyProviderUrl ? createIp2world({ urlTemplate: config.proxyProviderUrl, timeoutMs: config.proxyProviderTimeoutMs }) : undefined,
  });
  const stopProxyChecker = startProxyChecker(proxyPool, { intervalS: config.proxyCheckIntervalS, onError: (err) => app.log.error({ err }, 'proxy check pass failed') });
  await app.register(proxyRoutes, {
    prefix: '/xd/admin',
    proxies,
    pool: proxyPool,
    guard,
    clock,
    audit: async (tx, entry) => {
      await recordAudit(tx, { ...entry, at: clock.now() });
    },
  });
  await app.register(bridgeCallbackRoutes, {
    prefix: '/xd/protocol',
    secret: config.protocolSecret,
    ingest,
    statuses,
    accountEvents,
    repository: bridgeRepository,
    ensureProxy: (phone) => proxyPool.ensureProxy(phone),
  });
  // The webhook of the chosen real bridge; the others' paths stay unknown (404).
  const unhandledEvents = createUnhandledEvents(app.log);
  const effects = createWebhookEffects({ ingest, statuses, accountEvents, bridge, log: app.log });
  if (config.waha) await app.register(wahaRoutes, { prefix: '/xd/protocol', hmacKey: config.waha.webhookHmacKey, repository: bridgeRepository, clock, effects, unhandled: unhandledEvents });
  if (config.evolution) await app.register(evolutionRoutes, { prefix: '/xd/protocol', secret: config.evolution.webhookSecret, repository: bridgeRepository, clock, effects, unhandled: unhandledEvents });
  await app.register(reloginRoutes, { prefix: '/xd/protocol', guard, access, repository: bridgeRepository, bridge, accountEvents });
  await app.register(messageRoutes, { prefix: '/xd/client', guard, messaging });

  const GROUP_CALL_TIMEOUT_MS = 30_000;
  const groupPullsRepository = createGroupPullsRepository(store);
  const groupPulls = createGroupPulls({ repository: groupPullsRepository, io, clock });
  const groupPullScheduler = createGroupPullScheduler({
    repository: groupPullsRepository,
    bridge:
      config.bridgeDriver === 'hub' && config.protocolUrl
        ? createHttpGroupCalls({ baseUrl: config.protocolUrl, secret: config.protocolSecret, timeoutMs: GROUP_CALL_TIMEOUT_MS })
        : config.bridgeDriver === 'sandbox'
          ? createSandboxGroupCalls()
          : groupCallsThroughPort(bridge),
    clock,
    minuteMs: config.groupPullMinuteMs,
    callTimeoutMs: GROUP_CALL_TIMEOUT_MS,
    onProgress: (taskId) => void groupPulls.progress(taskId).catch((err: unknown) => app.log.warn({ err, taskId }, 'group:progress not pushed')),
    onError: (err) => app.log.error({ err }, 'group pull step failed'),
  });
  await app.register(groupPullRoutes, { prefix: '/xd/client', groupPulls, guard });
  groupPullScheduler.start();

  await app.register(timelineAlertsRoutes, { prefix: '/xd/client', store, access, guard, tzName: config.tzName });

  const transfers = createTransfers({ store, access, io, clock, tzName: config.tzName });
  await app.register(transferRoutes, { prefix: '/xd/client', transfers, guard });
  await app.register(fansRoutes, { prefix: '/xd/client', fans, guard });
  await app.register(tagRoutes, { prefix: '/xd/client', tags: createTagsRepository(store), access, guard, clock, tzName: config.tzName });
  await app.register(replyRoutes, { prefix: '/xd/client', replies: createRepliesRepository(store), guard, io, clock });
  const translator = config.translateUrl ? createLibreTranslate({ baseUrl: config.translateUrl, timeoutMs: 4000 }) : undefined;
  const translate = createTranslateService({ cache: createTranslationCache(store), translator, clock });
  await app.register(translateRoutes, { prefix: '/xd/client', translate, guard });
  const media = createMediaRepository(store);
  const originals = createOriginalImages({ media, bridge, mediaDir: config.mediaDir, clock });
  const mediaRule = ruleForRoute('GET', '/xd/media/:fileName');
  await app.register(mediaRoutes, { prefix: '/xd', media, originals, access, authRepository, guard, clock, permitMedia: (user) => permissions.permit(user, mediaRule) });
  await app.register(managementRoutes, { prefix: '/xd', management: createManagementRepository(store), access, guard, io, clock, tzName: config.tzName });
  await app.register(adminRoutes, { prefix: '/xd/admin', store, io, guard, clock });
  await app.register(auditRoutes, { prefix: '/xd/admin', audit: createAuditRepository(store), guard, tzName: config.tzName });
  const seatRead = { prefix: '/xd/client', store, access, guard, clock, tzName: config.tzName };
  await app.register(accountRoutes, seatRead);
  await app.register(conversationRoutes, seatRead);
  await app.register(historyRoutes, seatRead);
  const dashboard = createDashboard({
    summaries: createSummaryRepository(store),
    clock,
    tzName: config.tzName,
    // One instance holds every socket: its own rooms answer, with no lookup round to time out.
    onlineUsers: config.redisUrl ? (ids) => onlineUsers(io, ids) : async (ids) => locallyOnlineUsers(io, ids),
  });
  await app.register(dashboardRoutes, { prefix: '/xd/dashboard', guard, dashboard });
  const messageIndexer = createMessageIndexer(store);
  const stopMessageIndexing = startMessageIndexing(messageIndexer, { log: app.log });
  await app.register(searchRoutes, seatRead);

  // Last: the console's fallback route must not shadow any API route registered above.
  await app.register(consoleRoutes, { webRoot: fileURLToPath(new URL('../dist/web', import.meta.url)) });

  const logSocketError = (err: unknown) => app.log.error({ err }, 'socket handler failed');
  attachSocketFeatures(io, [
    // First: its event check runs before any feature's handler.
    createSessionFeature({ sessions: authRepository, clock }),
    createSocketPermissionFeature(permissions.permit),
    createOutboundCapFeature({
      limitBytes: config.socketOutboundLimitBytes,
      onDrop: (socket, unsent) => app.log.warn({ userId: socket.data.userId, unsent }, 'socket dropped: client stopped reading'),
    }),
    createMessagesFeature({ messaging, onError: logSocketError }),
    createWatchFeature({ access, onError: logSocketError }),
    // The dashboard hint keeps its cursor (the newest one): presence itself carries none.
    createPresenceFeature({ io, onPresenceChanged: (branchId) => void latestCursor(store.db).then((cursor) => changedToday(branchId, cursor), logSocketError), onError: logSocketError }),
  ]);

  let closed = false;
  return {
    app,
    io,
    get database() {
      if (!database) throw new Error('hub.database is the SQLite file, and this hub runs on PostgreSQL: use hub.store');
      return database;
    },
    store,
    config,
    seeded,
    routes,
    async close() {
      if (closed) return;
      closed = true;
      stopSessionWatch();
      await stopDeliveryPruning();
      stopProxyChecker();
      // Before the database closes: calls in flight are interrupted and their members settled.
      await groupPullScheduler.stop();
      stopMessageIndexing();
      stopDemoInbound();
      permissions.close();
      delivery.close();
      dashboardChanges.close();
      bridge.close();
      // Redis first: the adapter's own close unsubscribes, which would wait on a dead Redis.
      await fanout.close();
      await loginFailures.close();
      await io.close().catch(() => undefined);
      await app.close();
      await checkpointer?.stop();
      metrics.close();
      await store.close();
    },
  };
}
