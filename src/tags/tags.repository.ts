// Seat tags (坐席标签): labels a seat puts on the targets it owns. A tag belongs to one seat;
// counts and listings only show targets that seat still owns, so a transferred target's tags
// stay with the seat that made them without leaking the target to it.
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { writeTransaction, type Db } from '../db/open.js';
import { conversations, seatTags, targetTags, targets } from '../db/schema.js';
import { conflict, forbidden, notFound } from '../http/errors.js';

export type SeatTag = typeof seatTags.$inferSelect;

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function createTagsRepository(db: Db) {
  /** The tag if it is `seatId`'s: 404 when it does not exist, 403 when another seat made it. */
  function ownTag(seatId: number, tagId: number): SeatTag {
    const tag = db.select().from(seatTags).where(eq(seatTags.id, tagId)).get();
    if (!tag) throw notFound('tagId');
    if (tag.seatId !== seatId) throw forbidden('tagId: not your tag');
    return tag;
  }

  return {
    ownTag,

    listTags(seatId: number) {
      return db
        .select({
          id: seatTags.id,
          name: seatTags.name,
          color: seatTags.color,
          targets: sql<number>`count(${conversations.id})`.mapWith(Number),
        })
        .from(seatTags)
        .leftJoin(targetTags, eq(targetTags.tagId, seatTags.id))
        .leftJoin(conversations, and(eq(conversations.targetId, targetTags.targetId), eq(conversations.seatId, seatId)))
        .where(eq(seatTags.seatId, seatId))
        .groupBy(seatTags.id)
        .orderBy(seatTags.id)
        .all();
    },

    createTag(seatId: number, name: string, color: string | null, now: number): number {
      try {
        return db.insert(seatTags).values({ seatId, name, color, createdAt: now }).returning({ id: seatTags.id }).get().id;
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`name: you already have a tag named ${JSON.stringify(name)}`);
        throw error;
      }
    },

    deleteTag(seatId: number, tagId: number): number {
      return writeTransaction(db, (tx) => {
        ownTag(seatId, tagId);
        const untagged = tx.delete(targetTags).where(eq(targetTags.tagId, tagId)).run().changes;
        tx.delete(seatTags).where(eq(seatTags.id, tagId)).run();
        return untagged;
      });
    },

    targetsByTag(seatId: number, tagId: number, page: { offset: number; pageSize: number }) {
      const where = and(eq(targetTags.tagId, tagId), eq(conversations.seatId, seatId));
      const total = db
        .select({ n: count() })
        .from(targetTags)
        .innerJoin(conversations, eq(conversations.targetId, targetTags.targetId))
        .where(where)
        .get()!.n;
      const rows = db
        .select({ target: targets, conversation: conversations })
        .from(targetTags)
        .innerJoin(conversations, eq(conversations.targetId, targetTags.targetId))
        .innerJoin(targets, eq(targets.id, targetTags.targetId))
        .where(where)
        .orderBy(desc(sql`coalesce(${conversations.lastSendTime}, 0)`), desc(targets.id))
        .limit(page.pageSize)
        .offset(page.offset)
        .all();
      return { total, rows };
    },

    /** Replaces the seat's own tags on a target; other seats' tags on it are left alone. */
    replaceTargetTags(seatId: number, targetId: number, tagIds: number[], now: number): number[] {
      return writeTransaction(db, (tx) => {
        const unique = [...new Set(tagIds)];
        if (unique.length > 0) {
          const found = tx.select({ id: seatTags.id, seatId: seatTags.seatId }).from(seatTags).where(inArray(seatTags.id, unique)).all();
          for (const id of unique) {
            const tag = found.find((t) => t.id === id);
            if (!tag) throw notFound(`tagIds: tag ${id}`);
            if (tag.seatId !== seatId) throw forbidden(`tagIds: tag ${id} is not yours`);
          }
        }
        const own = tx.select({ id: seatTags.id }).from(seatTags).where(eq(seatTags.seatId, seatId)).all().map((t) => t.id);
        if (own.length > 0) tx.delete(targetTags).where(and(eq(targetTags.targetId, targetId), inArray(targetTags.tagId, own))).run();
        if (unique.length > 0) tx.insert(targetTags).values(unique.map((tagId) => ({ tagId, targetId, createdAt: now }))).run();
        return unique;
      });
    },

    /** The caller's tags on one target, for answers that echo them. */
    tagsOfTarget(seatId: number, targetId: number): number[] {
      return db
        .select({ id: seatTags.id })
        .from(targetTags)
        .innerJoin(seatTags, eq(seatTags.id, targetTags.tagId))
        .where(and(eq(targetTags.targetId, targetId), eq(seatTags.seatId, seatId)))
        .orderBy(seatTags.id)
        .all()
        .map((t) => t.id);
    },
  };
}

export type TagsRepository = ReturnType<typeof createTagsRepository>;
