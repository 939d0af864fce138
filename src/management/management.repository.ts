// Seat settings and seat lists for branch managers and supervisors.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { users } from '../db/schema.js';

export interface SeatSummary {
  id: number;
  name: string;
  username: string;
  telegramLink: string | null;
  fansToday: number;
  openConversations: number;
}

export function createManagementRepository(db: Db) {
  return {
    setTelegramLink(seatId: number, link: string | null): void {
      db.update(users).set({ telegramLink: link }).where(eq(users.id, seatId)).run();
    },

    telegramLinkOf(userId: number): string | null {
      return db.select({ link: users.telegramLink }).from(users).where(eq(users.id, userId)).get()?.link ?? null;
    },

    /**
     * The branch's enabled seats with today's incoming fans (the sum of fan events, corrections
     * included) and open conversations (owned conversations with unread messages).
     */
    seatsOfBranch(branchId: number, day: string): SeatSummary[] {
      return db
        .select({
          id: users.id,
          name: users.name,
          username: users.username,
          telegramLink: users.telegramLink,
          // Written out with aliases: drizzle leaves columns unqualified inside sql``, and a bare
          // "id" in a correlated subquery would bind to the inner table.
          fansToday: sql<number>`(select coalesce(sum(fe.delta), 0) from fan_events fe where fe.seat_id = "users"."id" and fe.day = ${day})`.mapWith(Number),
          openConversations: sql<number>`(select count(*) from conversations c where c.seat_id = "users"."id" and c.unread_count > 0)`.mapWith(Number),
        })
        .from(users)
        .where(and(eq(users.branchId, branchId), eq(users.role, 'seat'), eq(users.disabled, false)))
        .orderBy(users.id)
        .all();
    },
  };
}

export type ManagementRepository = ReturnType<typeof createManagementRepository>;
