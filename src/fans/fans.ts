// Incoming fans (进粉): one per first-seen target for the owning seat on the day (in TZ_NAME) of
// its first message, plus audited manual corrections. Every change pushes `fans:count` to the
// seat room and the branch room.
import type { AuthUser } from '../auth/auth.repository.js';
import type { Access } from '../access/access.js';
import { appendActivity } from '../activity/activity.repository.js';
import type { ActivityStamp } from '../activity/activity.repository.js';
import { dbFailure, type Store } from '../db/store.js';
import { badRequest, conflict } from '../http/errors.js';
import type { FansCountPayload } from '../realtime/events.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import { dayOf, daysBetween, isValidDay, type Clock } from '../time.js';
import { createFansRepository } from './fans.repository.js';

/** A seat's activity always has a seq. */
const seqStamp = (stamp: ActivityStamp) => ({ cursor: stamp.cursor, seq: stamp.seq! });

export interface FansDeps {
  store: Store;
  /** Who may correct or read which seat's fans. */
  access: {
    accountFor(user: AuthUser, accountId: number): ReturnType<Access['accountFor']> | Promise<ReturnType<Access['accountFor']>>;
    seatFor(user: AuthUser, seatId: number): ReturnType<Access['seatFor']> | Promise<ReturnType<Access['seatFor']>>;
  };
  io: HubServer;
  clock: Clock;
  tzName: string;
  /** Told after a manual correction changed a branch's fans of `day`. */
  onCorrected?: (branchId: number | null, day: string, cursor: number) => void;
}

/** A manual correction moves a day's count by at most this much in either direction. */
export const MAX_FAN_DELTA = 1000;
/** fanCount answers at most this many days (a year, leap years included). */
export const MAX_FAN_DAYS = 366;

export function createFans(deps: FansDeps) {
  const { store, access, io, clock, tzName } = deps;
  const repository = createFansRepository(store);
  const today = () => dayOf(clock.now(), tzName);

  async function push(seatId: number, day: string, count: number, stamp: { cursor: number; seq: number }, corrected = false): Promise<FansCountPayload> {
    const { cursor, seq } = stamp;
    const payload: FansCountPayload = { custServId: String(seatId), date: day, count, cursor, seq };
    const branchId = await repository.branchOfSeat(seatId);
    io.to(rooms.seat(seatId)).emit('fans:count', payload);
    if (branchId !== null) io.to(rooms.branch(branchId)).emit('fans:count', payload);
    if (corrected) deps.onCorrected?.(branchId, day, cursor);
    return payload;
  }

  return {
    today,

    /**
     * Pushes a seat's count for `day`, read after the change committed. Called after a stored
     * message made a first-seen target (`newFan` of storeBridgeMessage) with the place that
     * message kept for this push in the seat's stream. Without one, the announcement records
     * its own activity row, so that every fans:count a seat sees has its number.
     */
    async announce(seatId: number, day: string, stamp?: { cursor: number; seq: number }): Promise<FansCountPayload> {
      const place = stamp ?? seqStamp(await store.transaction((tx) => appendActivity(tx, { seatId, kind: 'fans', at: clock.now() })));
      return push(seatId, day, await repository.fanCountOn(seatId, day), place);
    },

    /** A manual, audited correction of today's count of the seat owning `accountId`. */
    async correct(user: AuthUser, input: { accountId: number; delta: number; reason: string | null }): Promise<{ date: string; count: number }> {
      if (!Number.isInteger(input.delta) || input.delta === 0 || Math.abs(input.delta) > MAX_FAN_DELTA) {
        throw badRequest('delta', `must be a nonzero integer from -${MAX_FAN_DELTA} to ${MAX_FAN_DELTA}`);
      }
      const now = clock.now();
      const day = dayOf(now, tzName);
      // Who may correct is decided on the account's seat as read here; the transaction below
      // writes only while the account still belongs to that seat.
      const account = await access.accountFor(user, input.accountId);
      const seatId = account.seatId!;
      let done;
      try {
        // SERIALIZABLE: "not below zero" is checked on the sum this transaction read, so two
        // corrections at once must not both pass it (PostgreSQL retries the loser).
        done = await store.transaction(
          async (tx) => {
            if ((await repository.seatOfAccount(tx, account.id)) !== seatId) throw conflict('accountId: its seat changed, try again');
            const count = (await repository.fanCountOn(seatId, day, tx)) + input.delta;
            if (count < 0) {
              throw conflict(`delta: would take today's fans of seat ${seatId} below zero (now ${count - input.delta})`);
            }
            await repository.insertFanCorrection(tx, { seatId, accountId: account.id, day, delta: input.delta, reason: input.reason, byUserId: user.id, at: now });
            const stamp = seqStamp(await appendActivity(tx, { seatId, kind: 'fans', at: now }));
            return { count, stamp };
          },
          { serializable: true },
        );
      } catch (error) {
        if (dbFailure(error) === 'serialization') throw conflict('delta: corrected by someone else at the same time, try again');
        throw error;
      }
      await push(seatId, day, done.count, done.stamp, true);
      return { date: day, count: done.count };
    },

    /** Per-day counts of a seat the caller may see, zero-filled; today only by default. */
    async counts(user: AuthUser, input: { seatId: number; from?: string; to?: string }): Promise<{ date: string; count: number }[]> {
      const seat = await access.seatFor(user, input.seatId);
      const to = input.to ?? today();
      const from = input.from ?? to;
      if (!isValidDay(from)) throw badRequest('from', 'must be a calendar day YYYY-MM-DD');
      if (!isValidDay(to)) throw badRequest('to', 'must be a calendar day YYYY-MM-DD');
      if (from > to) throw badRequest('from', `must not be after to (${to})`);
      // Measured before listing the days, so a silly range costs nothing.
      if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_FAN_DAYS) {
        throw badRequest('to', `the range may span at most ${MAX_FAN_DAYS} days`);
      }
      const days = daysBetween(from, to);
      const counts = await repository.fanCountsBetween(seat.id, from, to);
      return days.map((date) => ({ date, count: counts.get(date) ?? 0 }));
    },
  };
}

export type Fans = ReturnType<typeof createFans>;
