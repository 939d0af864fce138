// Looks up demo rows by name, so tests do not depend on generated ids.
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/open.js';
import type { Store } from '../../src/db/store.js';
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

// The same look-ups through the hub's store, so that a test reads the database whichever
// engine the hub runs on.

export async function userIdIn(store: Store, username: string): Promise<number> {
  const { users } = store.tables;
  const [row] = await store.db.select({ id: users.id }).from(users).where(eq(users.username, username));
  if (!row) throw new Error(`no user ${username}`);
  return row.id;
}

/** A demo target owned by `username`, with its account. */
export async function ownedTargetIn(store: Store, username: string, name = '曾林') {
  const seatId = await userIdIn(store, username);
  const row = await targetOwnedBy(store, seatId, name);
  return { ...row, receId: String(row.targetId), accountIdText: String(row.accountId), seatId };
}

/** The target named `name` whose conversation seat `seatId` owns. */
export async function targetOwnedBy(store: Store, seatId: number, name = '曾林') {
  const { accounts, conversations: c, targets } = store.tables;
  const [row] = await store.db
    .select({ targetId: targets.id, accountId: accounts.id, phone: accounts.phone, platformUid: targets.platformUid })
    .from(c)
    .innerJoin(targets, eq(targets.id, c.targetId))
    .innerJoin(accounts, eq(accounts.id, c.accountId))
    .where(and(eq(c.seatId, seatId), eq(targets.name, name)));
  if (!row) throw new Error(`no target ${name} owned by seat ${seatId}`);
  return row;
}

export async function messageIn(store: Store, id: number | string) {
  const { messages: m } = store.tables;
  return (await store.db.select().from(m).where(eq(m.id, Number(id))))[0];
}

export async function conversationIn(store: Store, targetId: number | string) {
  const { conversations: c } = store.tables;
  return (await store.db.select().from(c).where(eq(c.targetId, Number(targetId))))[0]!;
}

/** Resolves when `check` answers true (polled every few ms); rejects after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function messageCount(store: Store): Promise<number> {
  const { messages: m } = store.tables;
  return (await store.db.select({ n: count() }).from(m))[0]!.n;
}
