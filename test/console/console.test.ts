// The hub serves the built console: cache headers, SPA fallback, API 404s kept, and the
// console's own origin may open sockets whatever ALLOWED_ORIGINS says.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket } from '../helpers/sockets.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('the web console served by the hub', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub({ listen: true, env: { ALLOWED_ORIGINS: 'https://ops.example.com' } });
  });
  afterAll(() => t.close());

  it('serves index.html at / and at unknown console paths, never cached', async () => {
    for (const path of ['/', '/seat', '/supervisor/seats/5?x=1']) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<div id="app">');
    }
  });

  it('serves hashed assets as immutable for a year', async () => {
    const asset = readdirSync(new URL('../../dist/web/assets', import.meta.url)).find((name) => name.endsWith('.js'));
    expect(asset).toBeDefined();
    const response = await fetch(`${t.url}/assets/${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
  });

  it('keeps the 404 envelope for API paths and non-GET requests', async () => {
    for (const path of ['/xd/client/nope', '/xd', '/healthz/deeper', '/docs/nope/deeper.html']) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status, path).toBe(404);
      const body = (await response.json()) as { code: number; error: string };
      expect(body.code).toBe(404);
      expect(body.error).toBe('not_found');
    }
    const post = await fetch(`${t.url}/seat`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(((await post.json()) as { error: string }).error).toBe('not_found');
  });

  it('accepts sockets from its own origin and the allow-list, refuses other origins', async () => {
    const token = await t.login('seat1');
    const own = await connectSocket(t.url, token, { headers: { origin: t.url } });
    own.close();
    const listed = await connectSocket(t.url, token, { headers: { origin: 'https://ops.example.com' } });
    listed.close();
    await expect(connectSocket(t.url, token, { headers: { origin: 'https://evil.example.com' } })).rejects.toThrow();
    // Same host name on another port is another origin.
    const otherPort = t.url.replace(/:(\d+)$/, (_m, port: string) => `:${Number(port) + 1}`);
    await expect(connectSocket(t.url, token, { headers: { origin: otherPort } })).rejects.toThrow();
  });
});
