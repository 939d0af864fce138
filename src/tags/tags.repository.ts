// Seat tags (坐席标签): labels a seat puts on the targets it owns. A tag belongs to one seat;
// counts and listings only show targets that seat still owns, so a transferred target's tags
// stay with the seat that made them without leaking the target to it.
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import { affected, dbFailure, type Db, type Store } from '../db/store.js';
import { conflict, forbidden, notFound } from '../http/errors.js';

export type SeatTag = typeof schema.seatTags.$inferSelect;
type TargetRow = typeof schema.targets.$inferSelect;
type ConversationRow = typeof schema.conversations.$inferSelect;

export interface TagSummary {
  id: number;
  name: string;
  color: string | null;
  /** The seat's own targets carrying the tag. */
  targets: number;
}

export interface TagsRepository {
  /** The tag if it is `seatId`'s: 404 when it does not exist, 403 when another seat made it. */
  ownTag(seatId: number, tagId: number): Promise<SeatTag>;
  listTags(seatId: number): Promise<TagSummary[]>;
  /** 409 when the seat already has a tag of that name. */
  createTag(seatId: number, name: string, color: string | null, now: number): Promise<number>;
  /** Answers how many targets lost the tag. */
  deleteTag(seatId: number, tagId: number): Promise<number>;
  targetsByTag(seatId: number, tagId: number, page: { offset: number; pageSize: number }): Promise<{ total: number; rows: { target: TargetRow; conversation: ConversationRow }[] }>;
  /** Replaces the seat's own tags on a target; other seats' tags on it are left alone. */
  replaceTargetTags(seatId: number, targetId: number, tagIds: number[], now: number): Promise<number[]>;
  /** The caller's tags on one target, for answers that echo them. */
  tagsOfTarget(seatId: number, targetId: number): Promise<number[]>;
}

export function createTagsRepository(store: Store): TagsRepository {
  const { conversations, seatTags, targetTags, targets } = store.tables;

  async function ownTag(seatId: number, tagId: number, db: Db = store.db): Promise<SeatTag> {
    const [tag] = await db.select().from(seatTags).where(eq(seatTags.id, tagId));
    if (!tag) throw notFound('tagId');
    if (tag.seatId !== seatId) throw forbidden('tagId: not your tag');
    return tag;
  }

  return {
    ownTag: (seatId, tagId) => ownTag(seatId, tagId),

    async listTags(seatId) {
      // Grouped by the primary key: PostgreSQL accepts the tag's other columns beside it.
      return store.db
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
        .orderBy(seatTags.id);
    },

    async createTag(seatId, name, color, now) {
      try {
        const [row] = await store.db.insert(seatTags).values({ seatId, name, color, createdAt: now }).returning({ id: seatTags.id });
        return row!.id;
      } catch (error) {
        if (dbFailure(error) === 'unique') throw conflict(`name: you already have a tag named ${JSON.stringify(name)}`);
        throw error;
      }
    },

    deleteTag(seatId, tagId) {
      return store.transaction(async (tx) => {
        await ownTag(seatId, tagId, tx);
        const untagged = affected(await tx.delete(targetTags).where(eq(targetTags.tagId, tagId)));
        await tx.delete(seatTags).where(eq(seatTags.id, tagId));
        return untagged;
      });
    },

    async targetsByTag(seatId, tagId, page) {
      const where = and(eq(targetTags.tagId, tagId), eq(conversations.seatId, seatId));
      const [counted] = await store.db
        .select({ n: count() })
        .from(targetTags)
        .innerJoin(conversations, eq(conversations.targetId, targetTags.targetId))
        .where(where);
      const rows = await store.db
        .select({ target: targets, conversation: conversations })
        .from(targetTags)
        .innerJoin(conversations, eq(conversations.targetId, targetTags.targetId))
        .innerJoin(targets, eq(targets.id, targetTags.targetId))
        .where(where)
        .orderBy(desc(sql`coalesce(${conversations.lastSendTime}, 0)`), desc(targets.id))
        .limit(page.pageSize)
        .offset(page.offset);
      return { total: counted!.n, rows };
    },

    replaceTargetTags(seatId, targetId, tagIds, now) {
      return store.transaction(async (tx) => {
        const unique = [...new Set(tagIds)];
        if (unique.length > 0) {
          const found = await tx.select({ id: seatTags.id, seatId: seatTags.seatId }).from(seatTags).where(inArray(seatTags.id, unique));
          for (const id of unique) {
            const tag = found.find((t) => t.id === id);
            if (!tag) throw notFound(`tagIds: tag ${id}`);
            if (tag.seatId !== seatId) throw forbidden(`tagIds: tag ${id} is not yours`);
          }
        }
        const own = (await tx.select({ id: seatTags.id }).from(seatTags).where(eq(seatTags.seatId, seatId))).map((t) => t.id);
        if (own.length > 0) await tx.delete(targetTags).where(and(eq(targetTags.targetId, targetId), inArray(targetTags.tagId, own)));
        // Two concurrent replaces of one target may both insert a pair on PostgreSQL: the same
        // row either way, so the second is not an error.
        if (unique.length > 0) await tx.insert(targetTags).values(unique.map((tagId) => ({ tagId, targetId, createdAt: now }))).onConflictDoNothing();
        return unique;
      });
    },

    async tagsOfTarget(seatId, targetId) {
      const rows = await store.db
        .select({ id: seatTags.id })
        .from(targetTags)
        .innerJoin(seatTags, eq(seatTags.id, targetTags.tagId))
        .where(and(eq(targetTags.targetId, targetId), eq(seatTags.seatId, seatId)))
        .orderBy(seatTags.id);
      return rows.map((t) => t.id);
    },
  };
}
