// The guards on the synchronous SQLite handle, for callers that check access inside a
// transaction of that handle and are not on the store yet. Same answers as ./access.ts.
import { and, eq } from 'drizzle-orm';
import type { AuthUser } from '../auth/auth.repository.js';
import type { Db } from '../db/open.js';
import { accounts, conversations, targets, users } from '../db/schema.js';
import { forbidden, notFound } from '../http/errors.js';
import { canSeeSeat, type SeatRow } from './access.js';

export function createAccessSync(db: Db) {
  const seatById = (seatId: number): SeatRow | undefined =>
    db
      .select({ id: users.id, name: users.name, username: users.username, branchId: users.branchId })
      .from(users)
      .where(and(eq(users.id, seatId), eq(users.role, 'seat')))
      .get();

  return {
    seatFor(user: AuthUser, seatId: number): SeatRow {
      if (user.role === 'seat' && seatId !== user.id) throw forbidden('custServId: not your seat');
      const seat = seatById(seatId);
      if (!seat) throw notFound('seat');
      if (!canSeeSeat(user, seat)) throw forbidden('custServId: not a seat you may see');
      return seat;
    },

    targetFor(user: AuthUser, targetId: number) {
      const row = db
        .select({ target: targets, conversation: conversations, account: accounts })
        .from(targets)
        .innerJoin(conversations, eq(conversations.targetId, targets.id))
        .innerJoin(accounts, eq(accounts.id, targets.accountId))
        .where(eq(targets.id, targetId))
        .get();
      if (!row) throw notFound('receId');
      const owner = row.conversation.seatId === null ? undefined : seatById(row.conversation.seatId);
      if (!owner || !canSeeSeat(user, owner)) throw forbidden('receId: not a target you may see');
      return row;
    },

    accountFor(user: AuthUser, accountId: number) {
      const account = db.select().from(accounts).where(eq(accounts.id, accountId)).get();
      if (!account) throw notFound('accountId');
      const owner = account.seatId === null ? undefined : seatById(account.seatId);
      if (!owner || !canSeeSeat(user, owner)) throw forbidden('accountId: not an account you may see');
      return account;
    },
  };
}
