// The token and password writes for callers still inside a synchronous SQLite transaction
// (`writeTransaction` of ../db/open.ts) while they are ported to the store: the async
// repository's statements would run outside that transaction. Remove once no caller is left.
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db as SyncDb } from '../db/open.js';
import { tokens, users } from '../db/schema.js';

export function revokeUserTokensSync(tx: SyncDb, userId: number, now: number, keepTokenId?: number): number[] {
  const where = [eq(tokens.userId, userId), isNull(tokens.revokedAt)];
  if (keepTokenId !== undefined) where.push(ne(tokens.id, keepTokenId));
  return tx.update(tokens).set({ revokedAt: now }).where(and(...where)).returning({ id: tokens.id }).all().map((r) => r.id);
}

export function setPasswordHashSync(tx: SyncDb, userId: number, passwordHash: string): void {
  tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
}
