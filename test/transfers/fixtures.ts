// Test data beyond the demo seed: user ids by name, extra seats and a second branch, through the
// hub's store on either engine.
import { eq } from 'drizzle-orm';
import { hashPassword } from '../../src/auth/password.js';
import type { Role } from '../../src/db/schema.js';
import type { Store } from '../../src/db/store.js';
import { targetOwnedBy, userIdIn as userId } from '../messages/fixtures.js';

export { userId };

export async function branchOf(store: Store, username: string): Promise<number> {
  const { users } = store.tables;
  return (await store.db.select({ branchId: users.branchId }).from(users).where(eq(users.username, username)))[0]!.branchId!;
}

/** Adds a user (password: username + '123') to `branchId`. */
export async function addUser(store: Store, user: { username: string; name: string; role: Role; branchId: number | null; disabled?: boolean }): Promise<number> {
  const { users } = store.tables;
  const passwordHash = await hashPassword(`${user.username}123`);
  const [row] = await store.db
    .insert(users)
    .values({ username: user.username, name: user.name, role: user.role, branchId: user.branchId, passwordHash, disabled: user.disabled ?? false })
    .returning({ id: users.id });
  return row!.id;
}

/** A second branch with a manager `branch2` and a seat `seat9` owning account +8613900000009. */
export async function addSecondBranch(store: Store) {
  const { accounts, branches } = store.tables;
  const branchId = (await store.db.insert(branches).values({ name: '二部' }).returning({ id: branches.id }))[0]!.id;
  const managerId = await addUser(store, { username: 'branch2', name: '分管二', role: 'branch', branchId });
  const seatId = await addUser(store, { username: 'seat9', name: '坐席九', role: 'seat', branchId });
  const accountId = (await store.db.insert(accounts).values({ phone: '+8613900000009', seatId, status: 'online' }).returning({ id: accounts.id }))[0]!.id;
  return { branchId, managerId, seatId, accountId };
}

/** The demo target named `name` owned by `seatId` (each demo seat has 曾林 and Maria Silva). */
export async function demoTarget(store: Store, seatId: number, name = '曾林') {
  const { targetId, ...rest } = await targetOwnedBy(store, seatId, name);
  return { id: targetId, ...rest };
}

export async function ownerOf(store: Store, targetId: number): Promise<number | null> {
  const { conversations } = store.tables;
  return (await store.db.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, targetId)))[0]!.seatId;
}

export async function accountOf(store: Store, phone: string): Promise<number> {
  const { accounts } = store.tables;
  return (await store.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, phone)))[0]!.id;
}
