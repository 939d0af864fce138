// Image messages and the originals kept on disk for them.
import { eq } from 'drizzle-orm';
import type * as schema from '../db/schema.js';
import type { Store } from '../db/store.js';

export type MediaFileRow = typeof schema.mediaFiles.$inferSelect;
export type NewMediaFile = Omit<MediaFileRow, 'id'>;

export interface ImageMessageRow {
  id: number;
  targetId: number;
  contentType: string;
  mediaRef: string | null;
  phone: string;
}

export interface MediaRepository {
  /** A message with its account's phone, for fetching its original. */
  findMessage(messageId: number): Promise<ImageMessageRow | undefined>;
  byMessage(messageId: number): Promise<MediaFileRow | undefined>;
  byFileName(fileName: string): Promise<{ file: MediaFileRow; targetId: number } | undefined>;
  /**
   * Records a stored original. Another process may have recorded the same message first
   * (unique message_id): then its row wins and `inserted` is false.
   */
  record(row: NewMediaFile): Promise<{ row: MediaFileRow; inserted: boolean }>;
  /** Forgets a row whose file vanished from disk, so the next request fetches it again. */
  forget(messageId: number): Promise<void>;
}

export function createMediaRepository(store: Store): MediaRepository {
  const { accounts, mediaFiles, messages } = store.tables;
  const db = store.db;
  const byMessage = async (messageId: number) => (await db.select().from(mediaFiles).where(eq(mediaFiles.messageId, messageId)))[0];

  return {
    async findMessage(messageId) {
      const [row] = await db
        .select({ id: messages.id, targetId: messages.targetId, contentType: messages.contentType, mediaRef: messages.mediaRef, phone: accounts.phone })
        .from(messages)
        .innerJoin(accounts, eq(accounts.id, messages.accountId))
        .where(eq(messages.id, messageId));
      return row;
    },

    byMessage,

    async byFileName(fileName) {
      const [row] = await db
        .select({ file: mediaFiles, targetId: messages.targetId })
        .from(mediaFiles)
        .innerJoin(messages, eq(messages.id, mediaFiles.messageId))
        .where(eq(mediaFiles.fileName, fileName));
      return row;
    },

    async record(row) {
      const [inserted] = await db.insert(mediaFiles).values(row).onConflictDoNothing({ target: mediaFiles.messageId }).returning();
      if (inserted) return { row: inserted, inserted: true };
      return { row: (await byMessage(row.messageId))!, inserted: false };
    },

    async forget(messageId) {
      await db.delete(mediaFiles).where(eq(mediaFiles.messageId, messageId));
    },
  };
}
