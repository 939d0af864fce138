// PostgreSQL: the same reads. The one behind every request is a named statement, which each
// pooled connection parses and plans once (through the query builder it was planned anew on
// every request); the rest run rarely and go through the builder.
import { and, eq, gt, gte, isNull } from 'drizzle-orm';
import type { PgStore } from '../db/store.js';
import type { LiveTokenRow, TokenLookup } from './token-lookup.js';

const LIVE_TOKEN = {
  name: 'auth_live_token',
  text: `SELECT u.id, u.username, u.name, u.role, u.branch_id AS "branchId", u.disabled, k.id AS "tokenId", k.expires_at AS "expiresAt"
    FROM tokens k JOIN users u ON u.id = k.user_id
    WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND k.expires_at > $2`,
};

export function createPgTokenLookup(store: PgStore): TokenLookup {
  const { db } = store;
  const { tokens, users } = store.tables;
  return {
    async liveToken(hash, now) {
      const { rows } = await store.pool.query<LiveTokenRow>({ ...LIVE_TOKEN, values: [hash, now] });
      return rows[0];
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
