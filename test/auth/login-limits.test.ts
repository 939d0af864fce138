// Login limits as an attacker meets them: forged X-Forwarded-For, guesses against one user from
// many addresses, floods of made-up usernames, a full hashing queue, several instances.
import { afterEach, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';
import { startRedis, type PrivateRedis } from '../helpers/redis.js';

interface Attempt {
  ip?: string;
  forwardedFor?: string;
}

async function login(t: TestHub, username: string, password: string, from: Attempt = {}) {
  const response = await t.hub.app.inject({
    method: 'POST',
    url: '/xd/auth/login',
    payload: { username, password },
    remoteAddress: from.ip ?? '127.0.0.1',
    headers: from.forwardedFor ? { 'x-forwarded-for': from.forwardedFor } : {},
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

const randomName = () => `u${Math.random().toString(36).slice(2, 12)}`;
const randomAddress = () => `10.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}`;

describe('login limits', () => {
  const hubs: TestHub[] = [];
  let redis: PrivateRedis | undefined;
  const start = async (env: Record<string, string>, logStream?: { write(line: string): void }) => {
    const hub = await startHub({ env, logStream });
    hubs.push(hub);
    return hub;
  };
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.close()));
    await redis?.stop();
    redis = undefined;
  });

  it('ignores X-Forwarded-For unless it comes from a trusted proxy, in limits and in logs', async () => {
    const lines: string[] = [];
    const t = await start({ LOGIN_MAX_FAILURES_PER_ADDRESS: '5', LOG_LEVEL: 'info' }, { write: (line) => void lines.push(line) });
    for (let i = 0; i < 5; i++) expect((await login(t, randomName(), 'guess', { forwardedFor: randomAddress() })).status).toBe(401);
    // The address is locked out; claiming another one changes nothing, even with the right password.
    const forged = await login(t, 'seat1', 'seat1123', { forwardedFor: '203.0.113.9' });
    expect(forged.status).toBe(429);
    expect(forged.body).toMatchObject({ code: 429, error: 'too_many_requests' });
    expect(Number(forged.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not locked out.
    expect((await login(t, 'seat1', 'seat1123', { ip: '198.51.100.7' })).status).toBe(200);
    const logged = lines.join('');
    expect(logged).toContain('"remoteAddress":"127.0.0.1"');
    expect(logged).not.toContain('203.0.113.9');
  });

  it('believes X-Forwarded-For from TRUSTED_PROXIES', async () => {
    const lines: string[] = [];
    const t = await start({ TRUSTED_PROXIES: '127.0.0.1/32', LOGIN_MAX_FAILURES_PER_ADDRESS: '2', LOG_LEVEL: 'info' }, { write: (line) => void lines.push(line) });
    for (let i = 0; i < 2; i++) expect((await login(t, randomName(), 'guess', { forwardedFor: '203.0.113.5' })).status).toBe(401);
    expect((await login(t, 'seat1', 'seat1123', { forwardedFor: '203.0.113.5' })).status).toBe(429);
    expect((await login(t, 'seat1', 'seat1123', { forwardedFor: '203.0.113.6' })).status).toBe(200);
    expect(lines.join('')).toContain('"remoteAddress":"203.0.113.6"');
    // From an address that is not a trusted proxy the header is ignored again.
    expect((await login(t, 'seat1', 'seat1123', { ip: '192.0.2.1', forwardedFor: '203.0.113.5' })).status).toBe(200);
  });

  it('stops every guess against one user past its limit, from however many addresses', async () => {
    const t = await start({ TRUSTED_PROXIES: '127.0.0.1' });
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) => login(t, 'seat2', `guess-${i}`, { forwardedFor: randomAddress() }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(290);
    // Locked for now, whatever the address: even the right password does not get through.
    expect((await login(t, 'seat2', 'seat2123', { forwardedFor: randomAddress() })).status).toBe(429);
    // Case does not open a second budget.
    expect((await login(t, 'SEAT2', 'guess', { forwardedFor: randomAddress() })).status).toBe(429);
    // Other users are untouched.
    expect((await login(t, 'seat1', 'seat1123', { forwardedFor: randomAddress() })).status).toBe(200);
  }, 30_000);

  it.each([
    ['from one address claiming many', {}],
    ['through a trusted proxy from many addresses', { TRUSTED_PROXIES: '127.0.0.1' }],
  ])('keeps a real login under 1 s during a flood of made-up usernames %s', async (_, env) => {
    const t = await start(env);
    const flood = Promise.all(
      Array.from({ length: 1000 }, () => login(t, randomName(), 'guess', { forwardedFor: randomAddress() }).then((r) => r.status)),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const real = await login(t, 'seat1', 'seat1123', { ip: '198.51.100.20' });
    const took = performance.now() - started;
    expect(real.status).toBe(200);
    expect(took).toBeLessThan(1000);
    const statuses = await flood;
    expect(statuses.every((s) => s === 401 || s === 429 || s === 503)).toBe(true);
  }, 60_000);

  it('never refuses an office of agents logging in correctly behind one address', async () => {
    const t = await start({ LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
    const users = ['seat1', 'seat2', 'super1', 'branch1', 'master', 'admin'];
    expect((await login(t, 'seat1', 'typo')).status).toBe(401);
    expect((await login(t, 'seat2', 'typo')).status).toBe(401);
    for (let round = 0; round < 3; round++) {
      const statuses = await Promise.all(users.map((u) => login(t, u, `${u}123`).then((r) => r.status)));
      expect(statuses).toEqual(users.map(() => 200));
    }
    // Failures still count: the third one reaches the limit, and the next attempt is refused.
    expect((await login(t, 'seat1', 'typo')).status).toBe(401);
    expect((await login(t, 'seat1', 'seat1123')).status).toBe(429);
  }, 30_000);

  it('answers 503 at once when the hashing queue is full, without counting it as a failure', async () => {
    const t = await start({ TRUSTED_PROXIES: '127.0.0.1', LOGIN_HASH_CONCURRENCY: '1', LOGIN_HASH_QUEUE: '2', LOGIN_MAX_FAILURES_PER_USER: '1000' });
    const results = await Promise.all(
      Array.from({ length: 30 }, () => {
        const started = performance.now();
        return login(t, 'seat1', 'guess', { forwardedFor: randomAddress() }).then((r) => ({ ...r, took: performance.now() - started }));
      }),
    );
    const busy = results.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(20);
    expect(busy[0]!.body).toMatchObject({ code: 503, error: 'unavailable' });
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(3);
    // A refused attempt costs no hashing: it is answered before any of the queued ones finish.
    const slowestBusy = Math.max(...busy.map((r) => r.took));
    const fastestChecked = Math.min(...results.filter((r) => r.status === 401).map((r) => r.took));
    expect(slowestBusy).toBeLessThan(fastestChecked);
  }, 30_000);

  it('answers unknown usernames in about the time of a known one', async () => {
    const t = await start({});
    const timeOf = async (username: string) => {
      const started = performance.now();
      expect((await login(t, username, 'wrong-password')).status).toBe(401);
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await timeOf('seat1'));
      unknown.push(await timeOf(randomName()));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  }, 30_000);

  it('shares the limits between instances through Redis', async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, LOGIN_MAX_FAILURES_PER_USER: '4' };
    const a = await start(env);
    const b = await start(env);
    expect((await login(a, 'seat1', 'guess', { ip: '192.0.2.1' })).status).toBe(401);
    expect((await login(b, 'seat1', 'guess', { ip: '192.0.2.2' })).status).toBe(401);
    expect((await login(a, 'seat1', 'guess', { ip: '192.0.2.3' })).status).toBe(401);
    expect((await login(b, 'seat1', 'guess', { ip: '192.0.2.4' })).status).toBe(401);
    expect((await login(a, 'seat1', 'seat1123', { ip: '192.0.2.5' })).status).toBe(429);
    expect((await login(b, 'seat1', 'seat1123', { ip: '192.0.2.6' })).status).toBe(429);
  });
});
