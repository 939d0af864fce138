// Quick replies and managed content (快捷回复 / 内容管理): a seat's own items plus its branch's.
import { and, count, desc, eq, or, sql, type Column, type SQL } from 'drizzle-orm';
import { appendActivitySync, type ActivityStamp } from '../activity/activity.repository.js';
import { writeTransaction, type Db } from '../db/open.js';
import { contents, users } from '../db/schema.js';

export type ContentRow = typeof contents.$inferSelect;

export interface NewContent {
  scope: 'seat' | 'branch';
  ownerUserId: number;
  branchId: number | null;
  title: string;
  body: string;
  contentType: string;
  mediaUrl: string | null;
  shortcut: string | null;
}

/** Whose quick replies to show: the user's own seat-scope items and their branch's items. */
export interface Viewer {
  userId: number;
  branchId: number | null;
}

function visibleTo(viewer: Viewer): SQL {
  const own = and(eq(contents.scope, 'seat'), eq(contents.ownerUserId, viewer.userId))!;
  if (viewer.branchId === null) return own;
  return or(own, and(eq(contents.scope, 'branch'), eq(contents.branchId, viewer.branchId)))!;
}

// instr() on lower() rather than LIKE, so `%` and `_` in a keyword are plain characters.
const contains = (column: Column, keyword: string) => sql`instr(lower(coalesce(${column}, '')), lower(${keyword})) > 0`;
const ownFirst = sql`case when ${contents.scope} = 'seat' then 0 else 1 end`;

export function createRepliesRepository(db: Db) {
  return {
    create(item: NewContent, now: number): { id: number; stamp: ActivityStamp } {
      return writeTransaction(db, (tx) => {
        const { id } = tx.insert(contents).values({ ...item, createdAt: now }).returning({ id: contents.id }).get();
        const stamp = appendActivitySync(tx, { seatId: item.scope === 'seat' ? item.ownerUserId : null, kind: 'replies', at: now });
        return { id, stamp };
      });
    },

    find(id: number): ContentRow | undefined {
      return db.select().from(contents).where(eq(contents.id, id)).get();
    },

    remove(item: ContentRow, now: number): ActivityStamp {
      return writeTransaction(db, (tx) => {
        tx.delete(contents).where(eq(contents.id, item.id)).run();
        return appendActivitySync(tx, { seatId: item.scope === 'seat' ? item.ownerUserId : null, kind: 'replies', at: now });
      });
    },

    /** Own first, then branch; newest first within each; optional keyword on title, body, shortcut. */
    list(viewer: Viewer, keyword: string | undefined, page: { offset: number; pageSize: number }) {
      const filter = keyword
        ? and(visibleTo(viewer), or(contains(contents.title, keyword), contains(contents.body, keyword), contains(contents.shortcut, keyword)))
        : visibleTo(viewer);
      const total = db.select({ n: count() }).from(contents).where(filter).get()!.n;
      const rows = db.select().from(contents).where(filter).orderBy(ownFirst, desc(contents.id)).limit(page.pageSize).offset(page.offset).all();
      return { total, rows };
    },

    /** Ranked: shortcut prefix, then title, then body matches; own before branch within a rank. */
    search(viewer: Viewer, keyword: string, page: { offset: number; pageSize: number }) {
      const prefix = sql`lower(substr(coalesce(${contents.shortcut}, ''), 1, length(${keyword}))) = lower(${keyword})`;
      const inTitle = contains(contents.title, keyword);
      const inBody = contains(contents.body, keyword);
      const rank = sql`case when ${prefix} then 0 when ${inTitle} then 1 else 2 end`;
      const filter = and(visibleTo(viewer), or(prefix, inTitle, inBody));
      const total = db.select({ n: count() }).from(contents).where(filter).get()!.n;
      const rows = db.select().from(contents).where(filter).orderBy(rank, ownFirst, desc(contents.id)).limit(page.pageSize).offset(page.offset).all();
      return { total, rows };
    },

    /** Seat ids of a branch, to push branch-content changes to each seat's room. */
    seatIdsOfBranch(branchId: number): number[] {
      return db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.branchId, branchId), eq(users.role, 'seat')))
        .all()
        .map((u) => u.id);
    },
  };
}

export type RepliesRepository = ReturnType<typeof createRepliesRepository>;
