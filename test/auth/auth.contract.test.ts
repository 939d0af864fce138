// Tokens and logins over both engines: issue, lookup, expiry, revocation (one, all of a user,
// in a transaction that rolls back), disabled users, and the login, logout and password
// change routes with their failure answers, on a store of each engine.
import Fastify, { type FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuard } from '../../src/auth/auth.guard.js';
import { createAuthRepository, type AuthRepository } from '../../src/auth/auth.repository.js';
import { authRoutes } from '../../src/auth/auth.routes.js';
import { createMemoryFailureCounter } from '../../src/auth/failure-counter.js';
import { createHashGate } from '../../src/auth/hash-gate.js';
import { createLoginThrottle } from '../../src/auth/login-throttle.js';
import { hashPassword } from '../../src/auth/password.js';
import { passwordChangeRoutes } from '../../src/auth/password-change.routes.js';
import type { Store } from '../../src/db/store.js';
import { installErrorHandling } from '../../src/http/error-handler.js';
import { ErrorCodeSchema } from '../../src/http/envelope.schemas.js';
import { contractStores, ENGINES } from '../helpers/contract-engines.js';
import { seedOrg, silentIo, type Org } from '../transfers/store-org.js';

const HOUR = 3_600_000;
const stores = contractStores('auth');

describe.each(ENGINES)('auth on %s', (engine) => {
  let store: Store;
  let org: Org;
  let auth: AuthRepository;
  let app: FastifyInstance;
  let now = Date.UTC(2026, 2, 1);
  const clock = { now: () => now };

  beforeAll(async () => {
    store = await stores.open(engine);
    org = await seedOrg(store);
    auth = createAuthRepository(store);
    const passwordHash = await hashPassword('seat_a123');
    await store.transaction((tx) => auth.setPasswordHash(tx, org.seats[0]!.id, passwordHash));
    // seat_c is the disabled one; give it a real password so only "disabled" stops it.
    const disabledHash = await hashPassword('seat_c123');
    await store.transaction((tx) => auth.setPasswordHash(tx, org.seats[2]!.id, disabledHash));

    app = Fastify({ logger: false });
    installErrorHandling(app);
    app.addSchema(ErrorCodeSchema);
    const guard = createGuard(auth, clock);
    const io = silentIo();
    const limits = { maxFailuresPerUser: 100, maxFailuresPerAddress: 100, windowSeconds: 60, hashConcurrency: 2, hashQueue: 8 };
    await app.register(authRoutes, {
      prefix: '/xd/auth',
      authRepository: auth,
      guard,
      io,
      clock,
      tokenTtlSeconds: 3600,
      loginThrottle: createLoginThrottle(createMemoryFailureCounter(60_000), limits),
      hashGate: createHashGate({ concurrency: 2, queue: 8 }),
    });
    await app.register(passwordChangeRoutes, { prefix: '/xd/auth', store, authRepository: auth, guard, io, clock });
    await app.ready();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const call = async (method: 'GET' | 'POST', url: string, options: { token?: string; body?: object } = {}) => {
    const res = await app.inject({ method, url, headers: options.token ? { token: options.token } : {}, ...(options.body ? { payload: options.body } : {}) });
    return { status: res.statusCode, body: res.json() as { code: number; msg: string; data?: Record<string, unknown> } };
  };

  it('issues a token that resolves to its user until it expires', async () => {
    const seat = org.seats[0]!;
    const issued = await auth.issueToken(seat.id, now, HOUR);
    expect(issued.token).toMatch(/^[0-9a-f]{32}$/);
    expect(issued.expiresAt).toBe(now + HOUR);
    expect(await auth.resolveToken(issued.token, now)).toEqual({
      id: seat.id,
      username: seat.username,
      name: seat.name,
      role: 'seat',
      branchId: org.branchId,
      tokenId: issued.tokenId,
      expiresAt: now + HOUR,
    });
    expect(await auth.isTokenLive(issued.tokenId, now)).toBe(true);
    expect(await auth.resolveToken(issued.token, now + HOUR)).toBeUndefined();
    expect(await auth.isTokenLive(issued.tokenId, now + HOUR)).toBe(false);
    expect(await auth.resolveToken('not-a-token', now)).toBeUndefined();
    expect(await auth.resolveToken('0'.repeat(32), now)).toBeUndefined();
  });

  it('revokes one token, or all of a user but one, and forgets a revocation that rolled back', async () => {
    const seat = org.seats[1]!;
    const [a, b, c] = [await auth.issueToken(seat.id, now, HOUR), await auth.issueToken(seat.id, now, HOUR), await auth.issueToken(seat.id, now, HOUR)];
    await auth.revokeToken(a.tokenId, now + 1);
    expect(await auth.resolveToken(a.token, now + 2)).toBeUndefined();
    expect(await auth.revokedTokenIdsSince(now + 1)).toContain(a.tokenId);
    expect(await auth.revokedTokenIdsSince(now + 2)).not.toContain(a.tokenId);

    await expect(
      store.transaction(async (tx) => {
        expect(await auth.revokeUserTokens(tx, seat.id, now + 3)).toEqual([b.tokenId, c.tokenId].sort((x, y) => x - y));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await auth.isTokenLive(b.tokenId, now + 4)).toBe(true);

    const revoked = await store.transaction((tx) => auth.revokeUserTokens(tx, seat.id, now + 5, c.tokenId));
    expect(revoked).toEqual([b.tokenId]);
    expect(await auth.isTokenLive(b.tokenId, now + 6)).toBe(false);
    expect(await auth.isTokenLive(c.tokenId, now + 6)).toBe(true);
  });

  it('refuses every token of a disabled user and lists the disabled users', async () => {
    const disabled = org.seats[2]!;
    const issued = await auth.issueToken(disabled.id, now, HOUR);
    expect(await auth.resolveToken(issued.token, now)).toBeUndefined();
    expect(await auth.isTokenLive(issued.tokenId, now)).toBe(false);
    expect(await auth.disabledUserIds()).toEqual([disabled.id]);
  });

  it('finds users and keeps their password hash and last login', async () => {
    expect((await auth.findUserByUsername('seat_a'))?.id).toBe(org.seats[0]!.id);
    expect(await auth.findUserByUsername('SEAT_A')).toBeUndefined();
    expect(await auth.findUserByUsername('ghost')).toBeUndefined();
    expect(await auth.passwordHashOf(org.master.id)).toBe('x');
    expect(await auth.passwordHashOf(999_999)).toBeUndefined();
    await auth.markLogin(org.master.id, now);
    const { users } = store.tables;
    const [row] = await store.db.select({ at: users.lastLoginAt }).from(users).where(eq(users.id, org.master.id));
    expect(row!.at).toBe(now);
  });

  it('logs in, answers the failures alike, refuses a disabled user, and logs out', async () => {
    const ok = await call('POST', '/xd/auth/login', { body: { username: 'seat_a', password: 'seat_a123' } });
    expect(ok.status).toBe(200);
    const token = ok.body.data!.token as string;
    expect((await call('GET', '/xd/auth/me', { token })).body.data).toMatchObject({ id: String(org.seats[0]!.id), role: 'seat' });

    const wrong = await call('POST', '/xd/auth/login', { body: { username: 'seat_a', password: 'nope' } });
    const unknown = await call('POST', '/xd/auth/login', { body: { username: 'ghost', password: 'nope' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.msg).toBe(unknown.body.msg);
    const disabled = await call('POST', '/xd/auth/login', { body: { username: 'seat_c', password: 'seat_c123' } });
    expect(disabled.status).toBe(403);
    expect((await call('GET', '/xd/auth/me')).status).toBe(401);
    expect((await call('GET', '/xd/auth/me', { token: 'f'.repeat(32) })).status).toBe(401);

    expect((await call('POST', '/xd/auth/logout', { token })).status).toBe(200);
    expect((await call('GET', '/xd/auth/me', { token })).status).toBe(401);
  });

  it('changes a password in one transaction with its audit row, revoking the other tokens', async () => {
    const login = async (password: string) => (await call('POST', '/xd/auth/login', { body: { username: 'seat_a', password } })).body.data?.token as string;
    const mine = await login('seat_a123');
    const other = await login('seat_a123');
    expect((await call('POST', '/xd/auth/password', { token: mine, body: { oldPassword: 'wrong', newPassword: 'another-pass' } })).status).toBe(400);
    const changed = await call('POST', '/xd/auth/password', { token: mine, body: { oldPassword: 'seat_a123', newPassword: 'another-pass' } });
    expect(changed.status).toBe(200);
    expect(changed.body.data!.revokedTokens).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/xd/auth/me', { token: other })).status).toBe(401);
    expect((await call('GET', '/xd/auth/me', { token: mine })).status).toBe(200);
    expect(await login('seat_a123')).toBeUndefined();
    expect(await login('another-pass')).toMatch(/^[0-9a-f]{32}$/);
    const { auditLog } = store.tables;
    const rows = await store.db.select().from(auditLog).where(eq(auditLog.action, 'user.password.change'));
    expect(rows.map((r) => [r.actorId, r.subject])).toEqual([[org.seats[0]!.id, `user:${org.seats[0]!.id}`]]);
    now += 1;
  });
});
