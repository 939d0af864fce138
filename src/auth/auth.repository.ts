// Users and their tokens. Tokens are 32 random hex chars handed out once; only sha256 is stored.
import { and, eq, gt, gte, isNull, ne, sql } from 'drizzle-orm';
import { hash, randomBytes } from 'node:crypto';
import type { Db } from '../db/open.js';
import { tokens, users, type Role } from '../db/schema.js';

export interface AuthUser {
  id: number;
  username: string;
  name: string;
  role: Role;
  branchId: number | null;
  tokenId: number;
}

/** A live token's user, and when that token expires (sockets are closed then). */
export interface Session extends AuthUser {
  expiresAt: number;
}

export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

// One-shot hash: every authenticated request and handshake pays it, and a Hash object costs 3x.
const hashToken = (token: string) => hash('sha256', token, 'hex');

export function createAuthRepository(db: Db) {
  // Every authenticated request and socket handshake runs this: prepare it once.
  const selectLiveToken = db
    .select({
      id: users.id,
      username: users.username,
      name: users.name,
      role: users.role,
      branchId: users.branchId,
      disabled: users.disabled,
      tokenId: tokens.id,
      expiresAt: tokens.expiresAt,
    })
    .from(tokens)
    .innerJoin(users, eq(users.id, tokens.userId))
    .where(
      and(eq(tokens.tokenHash, sql.placeholder('hash')), isNull(tokens.revokedAt), gt(tokens.expiresAt, sql.placeholder('now'))),
    )
    .prepare();

  // Every client event on a socket re-checks its token by primary key (revoked, expired, disabled).
  const selectLiveTokenById = db
    .select({ id: tokens.id })
    .from(tokens)
    .innerJoin(users, eq(users.id, tokens.userId))
    .where(
      and(
        eq(tokens.id, sql.placeholder('tokenId')),
        isNull(tokens.revokedAt),
        gt(tokens.expiresAt, sql.placeholder('now')),
        eq(users.disabled, false),
      ),
    )
    .prepare();
  // Polled every second by every instance: both read a partial index, so they cost next to nothing.
  const selectRevokedSince = db
    .select({ id: tokens.id })
    .from(tokens)
    .where(gte(tokens.revokedAt, sql.placeholder('since')))
    .prepare();
  // A literal `= 1`, not a bound parameter, so SQLite matches the partial index users_disabled.
  const selectDisabledUsers = db.select({ id: users.id }).from(users).where(sql`${users.disabled} = 1`).prepare();

  return {
    findUserByUsername(username: string) {
      return db.select().from(users).where(eq(users.username, username)).get();
    },

    issueToken(userId: number, now: number, ttlMs: number): { token: string; tokenId: number; expiresAt: number } {
      const token = randomBytes(16).toString('hex');
      const expiresAt = now + ttlMs;
      const row = db
        .insert(tokens)
        .values({ userId, tokenHash: hashToken(token), expiresAt, createdAt: now })
        .returning({ id: tokens.id })
        .get();
      return { token, tokenId: row.id, expiresAt };
    },

    /** The user behind a live token, or undefined for unknown, revoked, expired or disabled. */
    resolveToken(token: string, now: number): Session | undefined {
      if (!TOKEN_PATTERN.test(token)) return undefined;
      const row = selectLiveToken.get({ hash: hashToken(token), now });
      if (!row || row.disabled) return undefined;
      const { disabled: _disabled, ...user } = row;
      return user;
    },

    /** True while the token is neither revoked nor expired and its user is not disabled. */
    isTokenLive(tokenId: number, now: number): boolean {
      return selectLiveTokenById.get({ tokenId, now }) !== undefined;
    },

    /** Tokens revoked at or after `since` (epoch ms). */
    revokedTokenIdsSince(since: number): number[] {
      return selectRevokedSince.all({ since }).map((row) => row.id);
    },

    disabledUserIds(): number[] {
      return selectDisabledUsers.all().map((row) => row.id);
    },

    revokeToken(tokenId: number, now: number): void {
      db.update(tokens).set({ revokedAt: now }).where(and(eq(tokens.id, tokenId), isNull(tokens.revokedAt))).run();
    },

    /** Revokes every live token of a user but `keepTokenId`; answers the ids it revoked. */
    revokeUserTokens(userId: number, now: number, keepTokenId?: number): number[] {
      const where = [eq(tokens.userId, userId), isNull(tokens.revokedAt)];
      if (keepTokenId !== undefined) where.push(ne(tokens.id, keepTokenId));
      return db
        .update(tokens)
        .set({ revokedAt: now })
        .where(and(...where))
        .returning({ id: tokens.id })
        .all()
        .map((r) => r.id);
    },

    passwordHashOf(userId: number): string | undefined {
      return db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId)).get()?.hash;
    },

    setPasswordHash(userId: number, passwordHash: string): void {
      db.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    },

    markLogin(userId: number, now: number): void {
      db.update(users).set({ lastLoginAt: now }).where(eq(users.id, userId)).run();
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
