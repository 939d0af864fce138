// The credential writes that both a user's own password change (auth) and user administration
// make, each in the caller's transaction so that they commit with the change that caused them.
// Plain functions of the transaction: admin imports them without auth importing admin back.
import { and, eq, isNull, ne } from 'drizzle-orm';
import { tablesOf, type Db } from '../db/store.js';

/** A new password comes with revoking the old sessions: call revokeUserTokens in the same transaction. */
export async function setPasswordHash(tx: Db, userId: number, passwordHash: string): Promise<void> {
  const { users } = tablesOf(tx);
  await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/**
 * Revokes every live token of a user but `keepTokenId`; answers the ids it revoked. Instances
 * that hold those tokens' sockets find them through auth's poll of revoked token ids.
 */
export async function revokeUserTokens(tx: Db, userId: number, now: number, keepTokenId?: number): Promise<number[]> {
  const { tokens } = tablesOf(tx);
  const where = [eq(tokens.userId, userId), isNull(tokens.revokedAt)];
  if (keepTokenId !== undefined) where.push(ne(tokens.id, keepTokenId));
  const rows = await tx.update(tokens).set({ revokedAt: now }).where(and(...where)).returning({ id: tokens.id });
  return rows.map((r) => r.id);
}
