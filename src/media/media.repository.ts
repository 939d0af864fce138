// Image messages and the originals kept on disk for them.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { accounts, mediaFiles, messages } from '../db/schema.js';

export type MediaFileRow = typeof mediaFiles.$inferSelect;

export function createMediaRepository(db: Db) {
  return {
    findMessage(messageId: number) {
      return db
        .select({
          id: messages.id,
          targetId: messages.targetId,
          contentType: messages.contentType,
          mediaRef: messages.mediaRef,
          phone: accounts.phone,
        })
        .from(messages)
        .innerJoin(accounts, eq(accounts.id, messages.accountId))
        .where(eq(messages.id, messageId))
        .get();
    },

    byMessage(messageId: number): MediaFileRow | undefined {
      return db.select().from(mediaFiles).where(eq(mediaFiles.messageId, messageId)).get();
    },

    byFileName(fileName: string) {
      return db
        .select({ file: mediaFiles, targetId: messages.targetId })
        .from(mediaFiles)
        .innerJoin(messages, eq(messages.id, mediaFiles.messageId))
        .where(eq(mediaFiles.fileName, fileName))
        .get();
    },

    /**
     * Records a stored original. Another process may have recorded the same message first
     * (unique message_id): then its row wins and `inserted` is false.
     */
    record(row: { messageId: number; fileName: string; contentType: string; size: number; createdAt: number }): { row: MediaFileRow; inserted: boolean } {
      const inserted = db.insert(mediaFiles).values(row).onConflictDoNothing({ target: mediaFiles.messageId }).returning().get();
      if (inserted) return { row: inserted, inserted: true };
      return { row: db.select().from(mediaFiles).where(eq(mediaFiles.messageId, row.messageId)).get()!, inserted: false };
    },

    /** Forgets a row whose file vanished from disk, so the next request fetches it again. */
    forget(messageId: number): void {
      db.delete(mediaFiles).where(eq(mediaFiles.messageId, messageId)).run();
    },
  };
}

export type MediaRepository = ReturnType<typeof createMediaRepository>;
