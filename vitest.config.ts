import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers, real sockets and a private redis-server per suite: give them room.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The browser tests drive the built console: build it first when missing or older than its source.
    // HUB_TEST_ENGINE=pg: one private PostgreSQL cluster for the run (test/helpers/pg-global.ts).
    globalSetup: ['./test/web/build-console.ts', './test/helpers/pg-global.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
