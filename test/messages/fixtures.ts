// Looks up demo rows by name, so tests do not depend on generated ids.
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/open.js';
import { conversations, messages } from '../../src/db/schema.js';
import { findOwnedTarget, userId } from '../helpers/demo.js';

export { userId };

/** A demo target owned by `username`, with its account. */
export function ownedTarget(db: Db, username: string, name = '曾林') {
  const seatId = userId(db, username);
  const row = findOwnedTarget(db, seatId, name);
  return { ...row, receId: String(row.targetId), accountIdText: String(row.accountId), seatId };
}

export function messageRow(db: Db, id: number | string) {
  return db.select().from(messages).where(eq(messages.id, Number(id))).get();
}

export function conversationOf(db: Db, targetId: number | string) {
  return db.select().from(conversations).where(eq(conversations.targetId, Number(targetId))).get()!;
}
