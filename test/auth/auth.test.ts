import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, type ClientSocket } from '../helpers/sockets.js';

describe('auth', () => {
  let t: TestHub;
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now };

  beforeEach(async () => {
    now = Date.UTC(2026, 0, 1);
    t = await startHub({ clock, listen: true, env: { TOKEN_TTL_HOURS: '2' } });
  });
  afterEach(() => t.close());

  it('logs in with the demo password and answers the user', async () => {
    const { status, body } = await t.call('POST', '/xd/auth/login', { body: { username: 'seat1', password: 'seat1123' } });
    expect(status).toBe(200);
    expect(body.msg).toBe('操作成功');
    expect(body.data.token).toMatch(/^[0-9a-f]{32}$/);
    expect(body.data.user).toMatchObject({ name: '坐席一', role: 'seat' });
    const me = await t.call('GET', '/xd/auth/me', { token: body.data.token });
    expect(me.body.data).toEqual(body.data.user);
  });

  it('answers 401 for a wrong password or unknown user, alike', async () => {
    const wrong = await t.call('POST', '/xd/auth/login', { body: { username: 'seat1', password: 'nope' } });
    const unknown = await t.call('POST', '/xd/auth/login', { body: { username: 'ghost', password: 'nope' } });
    expect(wrong).toEqual({ status: 401, body: { msg: 'username or password is wrong', code: 401, error: 'unauthorized' } });
    expect(unknown).toEqual(wrong);
  });

  it('answers 401 without a token and with a bad or unknown one', async () => {
    expect((await t.call('GET', '/xd/auth/me')).body).toEqual({ code: 401, msg: 'token: header is required', error: 'unauthorized' });
    for (const token of ['short', 'z'.repeat(32), 'a'.repeat(32)]) {
      const r = await t.call('GET', '/xd/auth/me', { token });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe(401);
    }
  });

  it('expires tokens after TOKEN_TTL_HOURS', async () => {
    const token = await t.login('seat1');
    now += 2 * 3_600_000 - 1;
    expect((await t.call('GET', '/xd/auth/me', { token })).status).toBe(200);
    now += 2;
    expect((await t.call('GET', '/xd/auth/me', { token })).status).toBe(401);
  });

  it('logout revokes the token and drops its sockets, leaving other tokens alive', async () => {
    const token = await t.login('seat1');
    const other = await t.login('seat1');
    const socket: ClientSocket = await connectSocket(t.url, token);
    const survivor: ClientSocket = await connectSocket(t.url, other);
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    expect((await t.call('POST', '/xd/auth/logout', { token })).body).toEqual({ msg: '操作成功', code: 200, data: { revoked: true } });
    expect(await dropped).toBe('io server disconnect');
    expect((await t.call('GET', '/xd/auth/me', { token })).status).toBe(401);
    expect((await t.call('GET', '/xd/auth/me', { token: other })).status).toBe(200);
    expect(survivor.connected).toBe(true);
    await expect(connectSocket(t.url, token)).rejects.toThrow(/unauthorized/);
    survivor.close();
  });

  it('rate-limits login attempts per user and IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await t.call('POST', '/xd/auth/login', { body: { username: 'seat2', password: 'bad' } })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const limited = await t.call('POST', '/xd/auth/login', { body: { username: 'seat2', password: 'seat2123' } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 429, msg: 'too many requests, slow down', error: 'too_many_requests' });
    // Another user from the same address is not locked out.
    expect((await t.call('POST', '/xd/auth/login', { body: { username: 'seat1', password: 'seat1123' } })).status).toBe(200);
  });

  it('rejects sockets without a valid token and from origins not allowed', async () => {
    await expect(connectSocket(t.url, 'f'.repeat(32))).rejects.toThrow(/unauthorized/);
    const token = await t.login('seat1');
    await expect(connectSocket(t.url, token, { headers: { origin: 'https://evil.example.com' } })).rejects.toThrow();
  });
});
