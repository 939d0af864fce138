// Seat settings and seat lists for branch managers and supervisors.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Store } from '../db/store.js';

export interface SeatSummary {
  id: number;
  name: string;
  username: string;
  telegramLink: string | null;
  fansToday: number;
  openConversations: number;
}

export interface ManagementRepository {
  setTelegramLink(seatId: number, link: string | null): Promise<void>;
  /** null when none is set (or there is no such user). */
  telegramLinkOf(userId: number): Promise<string | null>;
  /**
   * The branch's enabled seats with today's incoming fans (the sum of fan events, corrections
   * included) and open conversations (owned conversations with unread messages), by id.
   */
  seatsOfBranch(branchId: number, day: string): Promise<SeatSummary[]>;
}

export function createManagementRepository(store: Store): ManagementRepository {
  const { users } = store.tables;
  const db = store.db;
  return {
    async setTelegramLink(seatId, link) {
      await db.update(users).set({ telegramLink: link }).where(eq(users.id, seatId));
    },

    async telegramLinkOf(userId) {
      const [row] = await db.select({ link: users.telegramLink }).from(users).where(eq(users.id, userId));
      return row?.link ?? null;
    },

    async seatsOfBranch(branchId, day) {
      return db
        .select({
          id: users.id,
          name: users.name,
          username: users.username,
          telegramLink: users.telegramLink,
          // Written out with aliases: drizzle leaves columns unqualified inside sql``, and a bare
          // "id" in a correlated subquery would bind to the inner table. PostgreSQL answers sum()
          // as numeric and count() as bigint (text on the wire): mapWith makes both numbers.
          fansToday: sql<number>`(select coalesce(sum(fe.delta), 0) from fan_events fe where fe.seat_id = "users"."id" and fe.day = ${day})`.mapWith(Number),
          openConversations: sql<number>`(select count(*) from conversations c where c.seat_id = "users"."id" and c.unread_count > 0)`.mapWith(Number),
        })
        .from(users)
        .where(and(eq(users.branchId, branchId), eq(users.role, 'seat'), eq(users.disabled, false)))
        .orderBy(asc(users.id));
    },
  };
}
