// Transfers (坐席转移): moving a target and its conversation to another seat of the same branch.
// The move, its record and the activity for both seats commit in one write transaction; the
// pushes follow the commit, each with its cursor, so a client that misses one catches up by cursor.
import type { AuthUser } from '../auth/auth.repository.js';
import { createAccessSync } from '../access/access-sync.js';
import { appendActivitySync, streamOf } from '../activity/activity.repository.js';
import { writeTransaction, type Db } from '../db/open.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import { formatJavaDate, type Clock } from '../time.js';
import { onlineUsers } from '../realtime/user-sockets.js';
import {
  findSeat,
  findTransferByRequestKey,
  insertTransfer,
  latestTransferInto,
  moveConversation,
  searchSeats,
  type TransferRow,
} from './transfers.repository.js';

export interface TransfersDeps {
  db: Db;
  io: HubServer;
  clock: Clock;
  tzName: string;
}

export interface TransferInput {
  targetId: number;
  toSeatId: number;
  reason: string | null;
  /** Idempotency key from the client; scoped to the caller so keys of different users never meet. */
  requestId: string | null;
}

export interface TransferOutcome {
  transferId: number;
  /** True when the request key was seen before: nothing changed and nothing was pushed. */
  replayed: boolean;
}

/** At most this many seats come back from a search, so the presence lookup stays small. */
export const SEAT_SEARCH_LIMIT = 50;
export function createTransfers(deps: TransfersDeps) {
  const { db, io, clock, tzName } = deps;
  const access = createAccessSync(db);

  function replayOf(existing: TransferRow, input: TransferInput): TransferOutcome {
    if (existing.targetId !== input.targetId || existing.toSeatId !== input.toSeatId) {
      throw conflict('requestId: already used for a different transfer');
    }
    return { transferId: existing.id, replayed: true };
  }

  return {
    async searchSeats(user: AuthUser, text: string) {
      // Transfers stay within a branch: a caller without one (master, admin) has no candidates here.
      if (user.branchId === null) return [];
      const seats = searchSeats(db, { branchId: user.branchId, excludeId: user.id, text, limit: SEAT_SEARCH_LIMIT });
      const online = await onlineUsers(io, seats.map((s) => s.id));
      return seats.map((s) => ({ custServId: String(s.id), name: s.name, username: s.username, online: online.has(s.id) }));
    },

    transfer(user: AuthUser, input: TransferInput): TransferOutcome {
      const requestKey = input.requestId === null ? null : `${user.id}:${input.requestId}`;
      const now = clock.now();
      const done = writeTransaction(db, (tx) => {
        // Checked first: a retry after success must answer the first id although the caller
        // (a seat that gave the target away) may no longer see the target.
        const existing = requestKey === null ? undefined : findTransferByRequestKey(tx, requestKey);
        if (existing) return { outcome: replayOf(existing, input) };

        // Under BEGIN IMMEDIATE this reads the owner as of now; no other writer can move it until
        // commit. (access reads through `db`: the same connection, so inside this transaction.)
        const { target, conversation } = access.targetFor(user, input.targetId);
        const fromSeatId = conversation.seatId!;
        const from = findSeat(tx, fromSeatId)!;
        if (user.role === 'seat' && input.toSeatId === user.id) throw badRequest('toCustServId', 'cannot transfer to yourself');
        const to = findSeat(tx, input.toSeatId);
        if (!to) throw notFound('toCustServId');
        if (to.branchId === null || to.branchId !== from.branchId) {
          throw badRequest('toCustServId', "must be a seat of the same branch as the target's current seat");
        }
        if (to.disabled) throw badRequest('toCustServId', 'that seat is disabled');
        if (to.id === fromSeatId) throw conflict(`receId: already belongs to seat ${to.id}`);

        // Both seats' streams move in this one transaction: transfer:out in the giver's,
        // transfer:in in the receiver's.
        const out = appendActivitySync(tx, { seatId: fromSeatId, targetId: target.id, kind: 'transfer:out', at: now });
        const into = appendActivitySync(tx, { seatId: to.id, targetId: target.id, kind: 'transfer:in', at: now });
        if (!moveConversation(tx, { targetId: target.id, fromSeatId, toSeatId: to.id, cursor: into.cursor })) {
          throw conflict('receId: its owner changed, try again');
        }
        const row = insertTransfer(tx, { targetId: target.id, fromSeatId, toSeatId: to.id, byUserId: user.id, reason: input.reason, requestKey, at: now });
        return {
          outcome: { transferId: row.id, replayed: false },
          push: { row, receName: target.name, branchId: from.branchId, out, into },
        };
      });

      if (done.push) {
        const { row, receName, branchId, out, into } = done.push;
        const base = {
          transferId: String(row.id),
          receId: String(row.targetId),
          receName,
          fromCustServId: String(row.fromSeatId),
          toCustServId: String(row.toSeatId),
          reason: row.reason,
        };
        io.to(rooms.seat(row.toSeatId)).emit('transfer:in', { ...base, cursor: into.cursor, ...streamOf(row.toSeatId, into.seq!) });
        io.to(rooms.seat(row.fromSeatId)).emit('transfer:out', { ...base, cursor: out.cursor, ...streamOf(row.fromSeatId, out.seq!) });
        if (branchId !== null) io.to(rooms.branch(branchId)).emit('transfer', { ...base, cursor: Math.max(into.cursor, out.cursor) });
      }
      return done.outcome;
    },

    /** Who transferred the target to its current seat, why and when. */
    source(user: AuthUser, targetId: number) {
      const { conversation } = access.targetFor(user, targetId);
      const latest = latestTransferInto(db, targetId, conversation.seatId!);
      if (!latest) throw notFound('transfer of this receId');
      return {
        fromCustServId: String(latest.transfer.fromSeatId),
        fromName: latest.fromName,
        reason: latest.transfer.reason,
        transferTime: formatJavaDate(latest.transfer.createdAt, tzName),
        transferTimeMs: latest.transfer.createdAt,
      };
    },
  };
}

export type Transfers = ReturnType<typeof createTransfers>;
