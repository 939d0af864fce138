// A second branch for dashboard tests (the demo organisation has one): a branch manager, two
// seats with one account each, and an account assigned to nobody.
import type { Db } from '../../src/db/open.js';
import { hashPassword } from '../../src/auth/password.js';
import { accounts, branches, users } from '../../src/db/schema.js';
import { userId } from '../helpers/demo.js';

export interface SecondBranch {
  branchId: number;
  firstBranchId: number;
  seats: number[];
}

export const SECOND_BRANCH_PHONES = ['+8613900000005', '+8613900000006'];
export const UNASSIGNED_PHONE = '+8613900000007';

export async function addSecondBranch(db: Db): Promise<SecondBranch> {
  const passwordHash = await hashPassword('branch2123');
  const firstBranchId = db.select({ branchId: users.branchId }).from(users).all().find((u) => u.branchId !== null)!.branchId!;
  const branch = db.insert(branches).values({ name: '二部' }).returning().get();
  db.insert(users).values({ username: 'branch2', name: '二部经理', passwordHash, role: 'branch', branchId: branch.id }).run();
  const seats: number[] = [];
  for (const [i, phone] of SECOND_BRANCH_PHONES.entries()) {
    const seat = db.insert(users).values({ username: `seat2${i}`, name: `二部坐席${i}`, passwordHash, role: 'seat', branchId: branch.id }).returning().get();
    seats.push(seat.id);
    db.insert(accounts).values({ phone, seatId: seat.id, status: i === 0 ? 'online' : 'offline' }).run();
  }
  db.insert(accounts).values({ phone: UNASSIGNED_PHONE, status: 'online' }).run();
  return { branchId: branch.id, firstBranchId, seats };
}

export { userId };
