// Quick replies and managed content (快捷回复 / 内容管理): a seat's own items plus its branch's.
import { and, count, desc, eq, or, sql, type Column, type SQL } from 'drizzle-orm';
import { appendActivity, type ActivityStamp } from '../activity/activity.repository.js';
import type * as schema from '../db/schema.js';
import type { Store } from '../db/store.js';

export type ContentRow = typeof schema.contents.$inferSelect;

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

export interface ContentPage {
  total: number;
  rows: ContentRow[];
}

export interface RepliesRepository {
  create(item: NewContent, now: number): Promise<{ id: number; stamp: ActivityStamp }>;
  find(id: number): Promise<ContentRow | undefined>;
  remove(item: ContentRow, now: number): Promise<ActivityStamp>;
  /** Own first, then branch; newest first within each; optional keyword on title, body, shortcut. */
  list(viewer: Viewer, keyword: string | undefined, page: { offset: number; pageSize: number }): Promise<ContentPage>;
  /** Ranked: shortcut prefix, then title, then body matches; own before branch within a rank. */
  search(viewer: Viewer, keyword: string, page: { offset: number; pageSize: number }): Promise<ContentPage>;
  /** Seat ids of a branch, to push branch-content changes to each seat's room. */
  seatIdsOfBranch(branchId: number): Promise<number[]>;
}

export function createRepliesRepository(store: Store): RepliesRepository {
  const { contents, users } = store.tables;
  const db = store.db;

  function visibleTo(viewer: Viewer): SQL {
    const own = and(eq(contents.scope, 'seat'), eq(contents.ownerUserId, viewer.userId))!;
    if (viewer.branchId === null) return own;
    return or(own, and(eq(contents.scope, 'branch'), eq(contents.branchId, viewer.branchId)))!;
  }

  // A position test rather than LIKE, so `%` and `_` in a keyword are plain characters; lower()
  // folds ASCII only on both engines (SQLite without ICU, PostgreSQL under the C locale).
  const position = store.dialect === 'pg' ? 'strpos' : 'instr';
  const contains = (column: Column, keyword: string) => sql`${sql.raw(position)}(lower(coalesce(${column}, '')), lower(${keyword})) > 0`;
  const ownFirst = sql`case when ${contents.scope} = 'seat' then 0 else 1 end`;
  const pageOf = async (filter: SQL | undefined, order: SQL[], page: { offset: number; pageSize: number }) => {
    const [counted] = await db.select({ n: count() }).from(contents).where(filter);
    const rows = await db.select().from(contents).where(filter).orderBy(...order).limit(page.pageSize).offset(page.offset);
    return { total: counted!.n, rows };
  };

  return {
    create(item, now) {
      return store.transaction(async (tx) => {
        const [row] = await tx.insert(contents).values({ ...item, createdAt: now }).returning({ id: contents.id });
        const stamp = await appendActivity(tx, { seatId: item.scope === 'seat' ? item.ownerUserId : null, kind: 'replies', at: now });
        return { id: row!.id, stamp };
      });
    },

    async find(id) {
      const [row] = await db.select().from(contents).where(eq(contents.id, id));
      return row;
    },

    remove(item, now) {
      return store.transaction(async (tx) => {
        await tx.delete(contents).where(eq(contents.id, item.id));
        return appendActivity(tx, { seatId: item.scope === 'seat' ? item.ownerUserId : null, kind: 'replies', at: now });
      });
    },

    list(viewer, keyword, page) {
      const filter = keyword
        ? and(visibleTo(viewer), or(contains(contents.title, keyword), contains(contents.body, keyword), contains(contents.shortcut, keyword)))
        : visibleTo(viewer);
      return pageOf(filter, [ownFirst, desc(contents.id)], page);
    },

    search(viewer, keyword, page) {
      const prefix = sql`lower(substr(coalesce(${contents.shortcut}, ''), 1, length(${keyword}))) = lower(${keyword})`;
      const inTitle = contains(contents.title, keyword);
      const inBody = contains(contents.body, keyword);
      const rank = sql`case when ${prefix} then 0 when ${inTitle} then 1 else 2 end`;
      return pageOf(and(visibleTo(viewer), or(prefix, inTitle, inBody)), [rank, ownFirst, desc(contents.id)], page);
    },

    async seatIdsOfBranch(branchId) {
      const rows = await db.select({ id: users.id }).from(users).where(and(eq(users.branchId, branchId), eq(users.role, 'seat')));
      return rows.map((u) => u.id);
    },
  };
}
