// PostgreSQL: the same reads through the query builder (the pool's driver caches nothing the
// builder would save; each read is one indexed lookup).
import { and, eq, gt, gte, isNull } from 'drizzle-orm';
import type { PgStore } from '../db/store.js';
import type { TokenLookup } from './token-lookup.js';

export function createPgTokenLookup(store: PgStore): TokenLookup {
  const { db } = store;
  const { tokens, users } = store.tables;
  return {
    async liveToken(hash, now) {
      const [row] = await db
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
        .where(and(eq(tokens.tokenHash, hash), isNull(tokens.revokedAt), gt(tokens.expiresAt, now)));
      return row;
    },
    async isTokenLive(tokenId, now) {
      const rows = await db
        .select({ id: tokens.id })
        .from(tokens)
        .innerJoin(users, eq(users.id, tokens.userId))
        .where(and(eq(tokens.id, tokenId), isNull(tokens.revokedAt), gt(tokens.expiresAt, now), eq(users.disabled, false)));
      return rows.length > 0;
    },
    async revokedTokenIdsSince(since) {
      return (await db.select({ id: tokens.id }).from(tokens).where(gte(tokens.revokedAt, since))).map((row) => row.id);
    },
    async disabledUserIds() {
      // `= true` matches the partial index users_disabled (WHERE disabled).
      return (await db.select({ id: users.id }).from(users).where(eq(users.disabled, true))).map((row) => row.id);
    },
  };
}
