// Who may see what. A seat sees the targets whose conversation it owns; supervisors and branch
// managers see the seats of their branch; masters and admins see everything.
import { and, eq, sql } from 'drizzle-orm';
import type { AuthUser } from '../auth/auth.repository.js';
import type { Db } from '../db/open.js';
import { accounts, conversations, targets, users } from '../db/schema.js';
import { forbidden, notFound } from '../http/errors.js';

export type SeatRow = { id: number; name: string; username: string; branchId: number | null };

/** Which seats' data a user may read, in a form a repository can turn into a WHERE clause. */
export type SeatScope = { kind: 'all' } | { kind: 'seat'; seatId: number } | { kind: 'branch'; branchId: number } | { kind: 'none' };

export function seatScopeOf(user: AuthUser): SeatScope {
  switch (user.role) {
    case 'master':
    case 'admin':
      return { kind: 'all' };
    case 'branch':
    case 'supervisor':
      return user.branchId === null ? { kind: 'none' } : { kind: 'branch', branchId: user.branchId };
    case 'seat':
      return { kind: 'seat', seatId: user.id };
  }
}

export function createAccess(db: Db) {
  // Every guarded read of a seat's data runs these: build and prepare them once.
  const selectSeat = db
    .select({ id: users.id, name: users.name, username: users.username, branchId: users.branchId })
    .from(users)
    .where(and(eq(users.id, sql.placeholder('seatId')), eq(users.role, 'seat')))
    .prepare();
  const selectTarget = db
    .select({ target: targets, conversation: conversations, account: accounts })
    .from(targets)
    .innerJoin(conversations, eq(conversations.targetId, targets.id))
    .innerJoin(accounts, eq(accounts.id, targets.accountId))
    .where(eq(targets.id, sql.placeholder('targetId')))
    .prepare();
  const selectAccount = db.select().from(accounts).where(eq(accounts.id, sql.placeholder('accountId'))).prepare();

  const seatById = (seatId: number): SeatRow | undefined => selectSeat.get({ seatId });

  /** May `user` act on seat `seatId` (read its data, watch it)? */
  function canSeeSeat(user: AuthUser, seat: { id: number; branchId: number | null }): boolean {
    switch (user.role) {
      case 'master':
      case 'admin':
        return true;
      case 'branch':
      case 'supervisor':
        return user.branchId !== null && seat.branchId === user.branchId;
      case 'seat':
        return seat.id === user.id;
    }
  }

  return {
    canSeeSeat,
    seatScope: seatScopeOf,

    /** The seat `user` may act for: 404 when no such seat, 403 when it is not theirs to see. */
    seatFor(user: AuthUser, seatId: number): SeatRow {
      if (user.role === 'seat' && seatId !== user.id) throw forbidden('custServId: not your seat');
      const seat = seatById(seatId);
      if (!seat) throw notFound('seat');
      if (!canSeeSeat(user, seat)) throw forbidden('custServId: not a seat you may see');
      return seat;
    },

    /** A target with its conversation and account, if `user` may see it. */
    targetFor(user: AuthUser, targetId: number) {
      const row = selectTarget.get({ targetId });
      if (!row) throw notFound('receId');
      const ownerId = row.conversation.seatId;
      const owner = ownerId === null ? undefined : seatById(ownerId);
      if (!owner || !canSeeSeat(user, owner)) throw forbidden('receId: not a target you may see');
      return row;
    },

    /** An account, if it is assigned to a seat `user` may see. */
    accountFor(user: AuthUser, accountId: number) {
      const account = selectAccount.get({ accountId });
      if (!account) throw notFound('accountId');
      const owner = account.seatId === null ? undefined : seatById(account.seatId);
      if (!owner || !canSeeSeat(user, owner)) throw forbidden('accountId: not an account you may see');
      return account;
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
