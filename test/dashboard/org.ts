// A second branch for dashboard tests (the demo organisation has one): a branch manager, two
// seats with one account each, and an account assigned to nobody.
import { hashPassword } from '../../src/auth/password.js';
import type { Store } from '../../src/db/store.js';

export interface SecondBranch {
  branchId: number;
  firstBranchId: number;
  seats: number[];
}

export const SECOND_BRANCH_PHONES = ['+8613900000005', '+8613900000006'];
export const UNASSIGNED_PHONE = '+8613900000007';

export async function addSecondBranch(store: Store): Promise<SecondBranch> {
  const { db, tables } = store;
  const { accounts, branches, users } = tables;
  const passwordHash = await hashPassword('branch2123');
  const firstBranchId = (await db.select({ branchId: users.branchId }).from(users)).find((u) => u.branchId !== null)!.branchId!;
  const [branch] = await db.insert(branches).values({ name: '二部' }).returning();
  await db.insert(users).values({ username: 'branch2', name: '二部经理', passwordHash, role: 'branch', branchId: branch!.id });
  const seats: number[] = [];
  for (const [i, phone] of SECOND_BRANCH_PHONES.entries()) {
    const [seat] = await db.insert(users).values({ username: `seat2${i}`, name: `二部坐席${i}`, passwordHash, role: 'seat', branchId: branch!.id }).returning();
    seats.push(seat!.id);
    await db.insert(accounts).values({ phone, seatId: seat!.id, status: i === 0 ? 'online' : 'offline' });
  }
  await db.insert(accounts).values({ phone: UNASSIGNED_PHONE, status: 'online' });
  return { branchId: branch!.id, firstBranchId, seats };
}
