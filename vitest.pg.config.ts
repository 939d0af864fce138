// The suites a second time with the hub on PostgreSQL (`npm test` runs both passes): one
// private cluster for the run, a copy of a migrated template database per test hub
// (test/helpers/pg-global.ts). Every suite that starts a hub runs here, reaching the database
// through the API or `hub.store`; a test about SQLite itself inside one is skipped on this pass.
// The files left out, and why:
// - the contract files (*.contract.test.ts) and test/ops/two-hosts-pg.test.ts run on both
//   engines already, each with a cluster of its own;
// - test/db/*: one engine's own machinery (SQLite migrations and backfills, the checkpointer,
//   the store's lease, the schema parity check, migrate-to-pg), each on the engine it is about;
// - test/messages/index-plans.test.ts: SQLite's EXPLAIN QUERY PLAN of the partial indexes;
// - test/ops/backup.test.ts: the SQLite half copies the hub's file; the PostgreSQL half
//   (pg_dump) brings its own cluster and already runs in the SQLite pass;
// - test/permissions/seed.test.ts: upgrades SQLite files from before permissions existed
//   (seeding PostgreSQL is in test/db/seed.contract.test.ts);
// - test/server.test.ts: the entry point on its defaults, which are SQLite;
// - no database at all: test/time*.test.ts, test/web/unit/*, test/bench/*, the bridge client,
//   driver, config and signature tests, test/helpers/fault-proxy.test.ts.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

process.env.HUB_TEST_ENGINE = 'pg';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/sweep/**/*.test.ts',
      'test/realtime/**/*.test.ts',
      'test/permissions/permissions.test.ts',
      'test/permissions/route-coverage.test.ts',
      'test/permissions/propagation.test.ts',
      'test/auth/auth.test.ts',
      'test/auth/login-limits.test.ts',
      'test/management/openapi.test.ts',
      'test/http/*.test.ts',
      'test/translate/translate.test.ts',
      'test/timeline/timeline-alerts.test.ts',
      'test/messages/startup.test.ts',
      'test/messages/read-recall.test.ts',
      'test/messages/send.test.ts',
      'test/bridge/webhook-garbage.test.ts',
      'test/console/console.test.ts',
      'test/messages/inbound.repository.test.ts',
      'test/messages/group-commit.test.ts',
      'test/bridge/message-callback.test.ts',
      'test/bridge/fuzz.test.ts',
      'test/bridge/status-callbacks.test.ts',
      'test/bridge/simulate-bridge.test.ts',
      'test/bridge/deliveries-pruning.test.ts',
      'test/bridge/evolution.test.ts',
      'test/bridge/waha.test.ts',
      'test/group-pulls/group-pulls.test.ts',
      'test/group-pulls/group-pulls-bridge.test.ts',
      'test/dashboard/changes.test.ts',
      'test/dashboard/summary-routes.test.ts',
      'test/dashboard/summary-property.test.ts',
      'test/transfers/transfer-race.test.ts',
      'test/transfers/transfer-rules.test.ts',
      'test/transfers/transfer-instances.test.ts',
      'test/transfers/transfer-flow.test.ts',
      'test/transfers/transfer-seats.test.ts',
      'test/fans/fans-live.test.ts',
      'test/fans/fans-rules.test.ts',
      'test/search/deferred-index.test.ts',
      'test/web/e2e/manage.e2e.test.ts',
      'test/web/e2e/console.e2e.test.ts',
      'test/replies/replies.test.ts',
      'test/admin/admin-fuzz.test.ts',
      'test/admin/users.test.ts',
      'test/admin/reassignment.test.ts',
      'test/admin/accounts.test.ts',
      'test/admin/seat-refused.test.ts',
      'test/ops/bridge-blackhole.test.ts',
      'test/ops/redis-blackhole.test.ts',
      'test/ops/crash-safety.test.ts',
      'test/metrics/metrics.test.ts',
      'test/management/management.test.ts',
      'test/proxies/ip2world.test.ts',
      'test/proxies/proxies.test.ts',
      'test/proxies/proxy-checks.test.ts',
      'test/conversations/history.test.ts',
      'test/conversations/conversations.test.ts',
      'test/search/search.test.ts',
      'test/media/original-image.test.ts',
      'test/access/access.test.ts',
      'test/accounts/accounts.test.ts',
      'test/tags/tags.test.ts',
      'test/config.test.ts',
    ],
    // The browser tests drive the built console: built when missing or stale (a no-op after the
    // SQLite pass), so this pass also runs on its own.
    globalSetup: ['./test/web/build-console.ts', './test/helpers/pg-global.ts'],
  },
});
