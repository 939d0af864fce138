// Users and their tokens. Tokens are 32 random hex chars handed out once; only sha256 is stored.
import { and, eq, isNull } from 'drizzle-orm';
import { hash, randomBytes } from 'node:crypto';
import type { Role } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { revokeUserTokens, setPasswordHash } from './credentials.repository.js';
import { createTokenLookup } from './token-lookup.js';

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

export interface IssuedToken {
  token: string;
  tokenId: number;
  expiresAt: number;
}

export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

// One-shot hash: every authenticated request and handshake pays it, and a Hash object costs 3x.
const hashToken = (token: string) => hash('sha256', token, 'hex');

export function createAuthRepository(store: Store) {
  const { tokens, users } = store.tables;
  const db = store.db;
  const lookup = createTokenLookup(store);

  return {
    async findUserByUsername(username: string) {
      const [row] = await db.select().from(users).where(eq(users.username, username));
      return row;
    },

    async issueToken(userId: number, now: number, ttlMs: number): Promise<IssuedToken> {
      const token = randomBytes(16).toString('hex');
      const expiresAt = now + ttlMs;
      const [row] = await db.insert(tokens).values({ userId, tokenHash: hashToken(token), expiresAt, createdAt: now }).returning({ id: tokens.id });
      return { token, tokenId: row!.id, expiresAt };
    },

    /** The user behind a live token, or undefined for unknown, revoked, expired or disabled. */
    async resolveToken(token: string, now: number): Promise<Session | undefined> {
      if (!TOKEN_PATTERN.test(token)) return undefined;
      const row = await lookup.liveToken(hashToken(token), now);
      if (!row || row.disabled) return undefined;
      const { disabled: _disabled, ...user } = row;
      return user;
    },

    /** True while the token is neither revoked nor expired and its user is not disabled. */
    isTokenLive: lookup.isTokenLive,
    /** Tokens revoked at or after `since` (epoch ms). */
    revokedTokenIdsSince: lookup.revokedTokenIdsSince,
    disabledUserIds: lookup.disabledUserIds,

    async revokeToken(tokenId: number, now: number): Promise<void> {
      await db.update(tokens).set({ revokedAt: now }).where(and(eq(tokens.id, tokenId), isNull(tokens.revokedAt)));
    },

    /** Revokes every live token of a user but `keepTokenId`, in the caller's transaction; answers the ids it revoked. */
    revokeUserTokens,

    async passwordHashOf(userId: number): Promise<string | undefined> {
      const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId));
      return row?.hash;
    },

    /** In the caller's transaction: a new password comes with revoking the old sessions. */
    setPasswordHash,

    async markLogin(userId: number, now: number): Promise<void> {
      await db.update(users).set({ lastLoginAt: now }).where(eq(users.id, userId));
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
