// Finds demo rows by name, so tests do not depend on generated ids.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/open.js';
import { accounts, conversations, targets, users } from '../../src/db/schema.js';

export function userId(db: Db, username: string): number {
  return db.select({ id: users.id }).from(users).where(eq(users.username, username)).get()!.id;
}

/** The target named `name` whose conversation seat `seatId` owns (each demo seat has 曾林 and Maria Silva). */
export function findOwnedTarget(db: Db, seatId: number, name = '曾林') {
  const row = db
    .select({ targetId: targets.id, accountId: accounts.id, phone: accounts.phone, platformUid: targets.platformUid })
    .from(conversations)
    .innerJoin(targets, eq(targets.id, conversations.targetId))
    .innerJoin(accounts, eq(accounts.id, conversations.accountId))
    .where(and(eq(conversations.seatId, seatId), eq(targets.name, name)))
    .get();
  if (!row) throw new Error(`no target ${name} owned by seat ${seatId}`);
  return row;
}
