// Transfers (坐席转移): moving a target and its conversation to another seat of the same branch.
// The move, its record and the activity for both seats commit in one write transaction; the
// pushes follow the commit, each with its cursor, so a client that misses one catches up by cursor.
import type { AuthUser } from '../auth/auth.repository.js';
import type { Access } from '../access/access.js';
import { appendActivity } from '../activity/activity.repository.js';
import { streamOf } from '../activity/activity.repository.js';
import { dbFailure, type Store } from '../db/store.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import { formatJavaDate, type Clock } from '../time.js';
import { onlineUsers } from '../realtime/user-sockets.js';
import { createTransfersRepository, type TransferRow } from './transfers.repository.js';

export interface TransfersDeps {
  store: Store;
  /** Who may see which target: checked before the move, whose transaction re-checks the owner. */
  access: { targetFor(user: AuthUser, targetId: number): ReturnType<Access['targetFor']> | Promise<ReturnType<Access['targetFor']>> };
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
  const { store, access, io, clock, tzName } = deps;
  const repository = createTransfersRepository(store);

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
      const seats = await repository.searchSeats({ branchId: user.branchId, excludeId: user.id, text, limit: SEAT_SEARCH_LIMIT });
      const online = await onlineUsers(io, seats.map((s) => s.id));
      return seats.map((s) => ({ custServId: String(s.id), name: s.name, username: s.username, online: online.has(s.id) }));
    },

    async transfer(user: AuthUser, input: TransferInput): Promise<TransferOutcome> {
      const requestKey = input.requestId === null ? null : `${user.id}:${input.requestId}`;
      const now = clock.now();
      // Checked first: a retry after success must answer the first id although the caller
      // (a seat that gave the target away) may no longer see the target.
      const seen = requestKey === null ? undefined : await repository.findTransferByRequestKey(store.db, requestKey);
      if (seen) return replayOf(seen, input);
      // Who may move the target is decided on its owner as read here; the transaction below
      // moves it only while that seat still owns it.
      const { target, conversation } = await access.targetFor(user, input.targetId);
      const fromSeatId = conversation.seatId!;

      let done;
      try {
        // SERIALIZABLE: the owner check and the move do not interleave with another transfer of
        // the target (PostgreSQL retries the loser, which then finds the new owner).
        done = await store.transaction(
          async (tx) => {
            const existing = requestKey === null ? undefined : await repository.findTransferByRequestKey(tx, requestKey);
            if (existing) return { outcome: replayOf(existing, input) };
            const owner = await repository.ownerOf(tx, target.id);
            if (owner !== fromSeatId) throw conflict('receId: its owner changed, try again');
            const from = (await repository.findSeat(tx, fromSeatId))!;
            if (user.role === 'seat' && input.toSeatId === user.id) throw badRequest('toCustServId', 'cannot transfer to yourself');
            const to = await repository.findSeat(tx, input.toSeatId);
            if (!to) throw notFound('toCustServId');
            if (to.branchId === null || to.branchId !== from.branchId) {
              throw badRequest('toCustServId', "must be a seat of the same branch as the target's current seat");
            }
            if (to.disabled) throw badRequest('toCustServId', 'that seat is disabled');
            if (to.id === fromSeatId) throw conflict(`receId: already belongs to seat ${to.id}`);

            // Both seats' streams move in this one transaction: transfer:out in the giver's,
            // transfer:in in the receiver's.
            const out = await appendActivity(tx, { seatId: fromSeatId, targetId: target.id, kind: 'transfer:out', at: now });
            const into = await appendActivity(tx, { seatId: to.id, targetId: target.id, kind: 'transfer:in', at: now });
            if (!(await repository.moveConversation(tx, { targetId: target.id, fromSeatId, toSeatId: to.id, cursor: into.cursor }))) {
              throw conflict('receId: its owner changed, try again');
            }
            const row = await repository.insertTransfer(tx, { targetId: target.id, fromSeatId, toSeatId: to.id, byUserId: user.id, reason: input.reason, requestKey, at: now });
            return {
              outcome: { transferId: row.id, replayed: false },
              push: { row, receName: target.name, branchId: from.branchId, out, into },
            };
          },
          { serializable: true },
        );
      } catch (error) {
        // The same request key committed by a concurrent request: answer as a retry would.
        if (requestKey !== null && dbFailure(error) === 'unique') {
          const existing = await repository.findTransferByRequestKey(store.db, requestKey);
          if (existing) return replayOf(existing, input);
        }
        // Still colliding after the store's retries: the client may try again.
        if (dbFailure(error) === 'serialization') throw conflict('receId: transferred by someone else at the same time, try again');
        throw error;
      }

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
    async source(user: AuthUser, targetId: number) {
      const { conversation } = await access.targetFor(user, targetId);
      const latest = await repository.latestTransferInto(targetId, conversation.seatId!);
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
