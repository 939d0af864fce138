// The /healthz database probe over both engines: it answers while the database does, and
// rejects (never hangs) once it does not.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgStore } from '../../src/db/pg-store.js';
import type { Store } from '../../src/db/store.js';
import { createDbProbe } from '../../src/health/db-probe.js';
import { contractStores, ENGINES } from '../helpers/contract-engines.js';
import { freePort } from '../helpers/redis.js';

const engines = ENGINES;

const stores = contractStores('probe');

describe.each(engines)('database probe on %s', (engine) => {
  let store: Store;

  beforeAll(async () => {
    store = await stores.open(engine);
  }, 60_000);
  afterAll(() => {
  });

  it('answers while the database does, again and again', async () => {
    const probe = createDbProbe(store);
    for (let i = 0; i < 3; i++) await expect(probe()).resolves.toBeUndefined();
  });

  it('answers while a transaction is open (on SQLite: after it, never inside it)', async () => {
    const probe = createDbProbe(store);
    let release!: () => void;
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    const held = store.transaction(async () => {
      inside();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await started;
    const answered = probe();
    release();
    await held;
    await expect(answered).resolves.toBeUndefined();
  });

  it('rejects once the database is closed', async () => {
    const probe = createDbProbe(store);
    await store.close();
    await expect(probe()).rejects.toThrow();
  });
});

describe('database probe on pg: a server that never answers', () => {
  it('gives up after its timeout instead of waiting on the pool', async () => {
    // A port nobody listens on behind a pool that would wait for a connection forever.
    const port = await freePort();
    const net = await import('node:net');
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const pool = new pg.Pool({ connectionString: `postgres://nobody@127.0.0.1:${port}/none` });
    try {
      const probe = createDbProbe(createPgStore(pool), 200);
      const started = Date.now();
      await expect(probe()).rejects.toThrow(/no answer within 200 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.close();
      void pool.end().catch(() => undefined);
    }
  });
});
