// Test data beyond the demo seed: user ids by name, extra seats and a second branch.
import { eq } from 'drizzle-orm';
import { hashPassword } from '../../src/auth/password.js';
import { findOwnedTarget, userId } from '../helpers/demo.js';
import type { Db } from '../../src/db/open.js';
import { accounts, branches, conversations, users, type Role } from '../../src/db/schema.js';

export { userId };

export function branchOf(db: Db, username: string): number {
  return db.select({ branchId: users.branchId }).from(users).where(eq(users.username, username)).get()!.branchId!;
}

/** Adds a user (password: username + '123') to `branchId`. */
export async function addUser(db: Db, user: { username: string; name: string; role: Role; branchId: number | null; disabled?: boolean }): Promise<number> {
  const passwordHash = await hashPassword(`${user.username}123`);
  return db
    .insert(users)
    .values({ username: user.username, name: user.name, role: user.role, branchId: user.branchId, passwordHash, disabled: user.disabled ?? false })
    .returning({ id: users.id })
    .get().id;
}

/** A second branch with a manager `branch2` and a seat `seat9` owning account +8613900000009. */
export async function addSecondBranch(db: Db) {
  const branchId = db.insert(branches).values({ name: '二部' }).returning({ id: branches.id }).get().id;
  const managerId = await addUser(db, { username: 'branch2', name: '分管二', role: 'branch', branchId });
  const seatId = await addUser(db, { username: 'seat9', name: '坐席九', role: 'seat', branchId });
  const accountId = db.insert(accounts).values({ phone: '+8613900000009', seatId, status: 'online' }).returning({ id: accounts.id }).get().id;
  return { branchId, managerId, seatId, accountId };
}

/** The demo target named `name` owned by `seatId` (each demo seat has 曾林 and Maria Silva). */
export function demoTarget(db: Db, seatId: number, name = '曾林') {
  const { targetId, ...rest } = findOwnedTarget(db, seatId, name);
  return { id: targetId, ...rest };
}

export function ownerOf(db: Db, targetId: number): number | null {
  return db.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, targetId)).get()!.seatId;
}

export function accountOf(db: Db, phone: string): number {
  return db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, phone)).get()!.id;
}
