// Indexes message text for SQLite's quick search in batches, after the callbacks that stored it
// (migration 0004_deferred_message_search). Each batch is one BEGIN IMMEDIATE transaction: it
// reads the progress mark, indexes the next rows by id and moves the mark, so processes sharing
// the file never index a row twice. Writers are serialised, so every id at or below the newest
// committed one is visible to the batch: nothing is skipped.
//
// Synchronous, on the raw connection: run it inside `store.exclusive` (or on a connection of
// one's own, as the bench seed does).
import type { Sqlite } from '../db/open.js';

export const INDEX_BATCH = 2000;

export interface SqliteMessageIndexing {
  /** Indexes up to `limit` rows; answers how many. */
  indexBatch(limit?: number): number;
  /** True when every stored message is indexed (a read, no lock). */
  upToDate(): boolean;
  /** Indexes batches until up to date or `maxBatches` ran; answers how many rows. */
  catchUp(maxBatches: number): number;
}

export function createSqliteMessageIndexing(sqlite: Sqlite): SqliteMessageIndexing {
  const progress = sqlite.prepare("SELECT last_id FROM search_progress WHERE name = 'messages'").pluck();
  const batchEnd = sqlite.prepare('SELECT max(id) FROM (SELECT id FROM messages WHERE id > ? ORDER BY id LIMIT ?)').pluck();
  const index = sqlite.prepare('INSERT INTO messages_fts(rowid, content) SELECT id, content FROM messages WHERE id > ? AND id <= ?');
  const advance = sqlite.prepare("UPDATE search_progress SET last_id = ? WHERE name = 'messages'");
  const latest = sqlite.prepare('SELECT coalesce(max(id), 0) FROM messages').pluck();

  const indexBatch = sqlite.transaction((limit: number): number => {
    const from = progress.get() as number;
    const to = batchEnd.get(from, limit) as number | null;
    if (to === null) return 0;
    const { changes } = index.run(from, to);
    advance.run(to);
    return changes;
  });

  const upToDate = () => (progress.get() as number) >= (latest.get() as number);

  return {
    indexBatch: (limit = INDEX_BATCH) => indexBatch.immediate(limit),
    upToDate,
    catchUp(maxBatches) {
      let total = 0;
      for (let i = 0; i < maxBatches && !upToDate(); i++) total += indexBatch.immediate(INDEX_BATCH);
      return total;
    },
  };
}
