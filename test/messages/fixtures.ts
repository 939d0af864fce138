// Looks up demo rows by name, so tests do not depend on generated ids.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/open.js';
import { accounts, conversations, messages, targets, users } from '../../src/db/schema.js';

export function userId(db: Db, username: string): number {
  return db.select({ id: users.id }).from(users).where(eq(users.username, username)).get()!.id;
}

/** A demo target owned by `username`, with its account. */
export function ownedTarget(db: Db, username: string, name = '曾林') {
  const seatId = userId(db, username);
  const row = db
    .select({ targetId: targets.id, accountId: accounts.id, phone: accounts.phone, platformUid: targets.platformUid })
    .from(conversations)
    .innerJoin(targets, eq(targets.id, conversations.targetId))
    .innerJoin(accounts, eq(accounts.id, conversations.accountId))
    .where(and(eq(conversations.seatId, seatId), eq(targets.name, name)))
    .get()!;
  return { ...row, receId: String(row.targetId), accountIdText: String(row.accountId), seatId };
}

export function messageRow(db: Db, id: number | string) {
  return db.select().from(messages).where(eq(messages.id, Number(id))).get();
}

export function conversationOf(db: Db, targetId: number | string) {
  return db.select().from(conversations).where(eq(conversations.targetId, Number(targetId))).get()!;
}
