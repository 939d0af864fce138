// Starts a real hub on a fresh SQLite file in a temp dir; optionally listening on port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type BuildOptions, type Hub } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { dropPgDatabase, freshPgDatabase, testEngine } from './engine.js';

/** A fixed, valid Standard Webhooks secret for tests that sign bridge calls. */
export const TEST_PROTOCOL_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestHub {
  hub: Hub;
  dir: string;
  /** `http://127.0.0.1:<port>` when started with listen: true. */
  url: string;
  login(username: string, password?: string): Promise<string>;
  /** app.inject with the envelope parsed. */
  call(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface StartHubOptions extends BuildOptions {
  env?: Record<string, string | undefined>;
  listen?: boolean;
  /** Reuse a directory (and so a database file) from another hub. */
  dir?: string;
}

/** On PostgreSQL, the database of each test dir: hubs started on one dir share it, as they
 * share the SQLite file in it. */
const pgDatabases = new Map<string, { url: string; hubs: number }>();

export async function startHub(options: StartHubOptions = {}): Promise<TestHub> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hub-test-'));
  let databaseUrl: string | undefined;
  if (testEngine === 'pg') {
    const shared = pgDatabases.get(dir) ?? { url: await freshPgDatabase(), hubs: 0 };
    shared.hubs += 1;
    pgDatabases.set(dir, shared);
    databaseUrl = shared.url;
  }
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_PATH: join(dir, 'hub.db'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    MEDIA_DIR: join(dir, 'media'),
    PROTOCOL_SECRET: TEST_PROTOCOL_SECRET,
    PORT: '0',
    ...options.env,
  });
  const hub = await buildApp(config, options);
  let url = '';
  if (options.listen) {
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    const address = hub.app.server.address();
    if (address && typeof address === 'object') url = `http://127.0.0.1:${address.port}`;
  } else {
    await hub.app.ready();
  }

  const call: TestHub['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.token = opts.token;
    const response = await hub.app.inject({
      method: method as 'GET',
      url: path,
      headers,
      ...(opts.body === undefined ? {} : typeof opts.body === 'string' ? { payload: opts.body, headers: { ...headers, 'content-type': 'application/json' } } : { payload: opts.body as object }),
    });
    let body: unknown;
    try {
      body = response.json();
    } catch {
      body = response.body;
    }
    return { status: response.statusCode, body };
  };

  let closed = false;
  return {
    hub,
    dir,
    url,
    call,
    async login(username, password = `${username}123`) {
      const { status, body } = await call('POST', '/xd/auth/login', { body: { username, password } });
      if (status !== 200) throw new Error(`login ${username} failed: ${status} ${JSON.stringify(body)}`);
      return body.data.token as string;
    },
    async close() {
      if (closed) return;
      closed = true;
      await hub.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
      // The database goes with the last hub on it, whichever test dir owner closes first.
      const shared = pgDatabases.get(dir);
      if (shared && --shared.hubs === 0) {
        pgDatabases.delete(dir);
        await dropPgDatabase(shared.url);
      }
    },
  };
}
