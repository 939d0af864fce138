// Who may see what. A seat sees the targets whose conversation it owns; supervisors and branch
// managers see the seats of their branch; masters and admins see everything.
import { and, eq, sql } from 'drizzle-orm';
import type { AuthUser } from '../auth/auth.repository.js';
import { clientOf, type Db } from '../db/open.js';
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

/** What a seat console read needs of a target its seat owns. */
export interface OwnedTarget {
  id: number;
  name: string;
  convType: (typeof targets.$inferSelect)['convType'];
  readUpToMessageId: number;
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

  // The common case of a seat console read, "this seat's own target", in one indexed lookup.
  const selectOwnedTarget = clientOf(db).prepare(`
    SELECT t.id, t.name, t.conv_type AS convType, c.read_up_to_message_id AS readUpToMessageId, o.branch_id AS branchId
    FROM targets t
    JOIN conversations c ON c.target_id = t.id
    JOIN users o ON o.id = c.seat_id AND o.role = 'seat'
    WHERE t.id = :targetId AND c.seat_id = :seatId`);

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

  const access = {
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

    /**
     * Target `targetId` as seen through seat `seatId`, which must own it: one lookup when it
     * does and `user` may see that seat; otherwise the same 403/404 answers as seatFor and
     * targetFor give one by one.
     */
    ownedTargetFor(user: AuthUser, seatId: number, targetId: number): OwnedTarget {
      const owned = selectOwnedTarget.get({ targetId, seatId }) as (OwnedTarget & { branchId: number | null }) | undefined;
      if (owned && canSeeSeat(user, { id: seatId, branchId: owned.branchId })) {
        return { id: owned.id, name: owned.name, convType: owned.convType, readUpToMessageId: owned.readUpToMessageId };
      }
      const seat = access.seatFor(user, seatId);
      const { target, conversation } = access.targetFor(user, targetId);
      if (conversation.seatId !== seat.id) throw forbidden('receId: not a target of this custServId');
      return { id: target.id, name: target.name, convType: target.convType, readUpToMessageId: conversation.readUpToMessageId };
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
  return access;
}

export type Access = ReturnType<typeof createAccess>;
