// The API suites a second time with the hub on PostgreSQL (`npm test` runs both passes): one
// private cluster for the run, a copy of a migrated template database per test hub
// (test/helpers/pg-global.ts). The suites listed reach the database only through the API or
// `hub.store`; the rest read the SQLite file itself (plans, pragmas, the file's own tests) or
// already run on both engines in their contract files.
// Left out on purpose:
// - test/ops/backup.test.ts: the SQLite half copies the hub's file; the PostgreSQL half
//   (pg_dump) brings its own cluster and already runs in the SQLite pass.
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
      // Admin, proxies, conversations, search, media, ops and the other API suites.
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
    // The console build is the SQLite pass's job; this pass needs only the cluster.
    globalSetup: ['./test/helpers/pg-global.ts'],
  },
});
