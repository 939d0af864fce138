// The deferred quick-search indexing of message text. Only SQLite has it (FTS5 tables filled in
// batches behind the callbacks, message-index.sqlite.ts); PostgreSQL's pg_trgm GIN indexes are
// kept up to date by every insert, so there its indexer has nothing to do.
import type { Sqlite } from '../db/open.js';
import type { Store } from '../db/store.js';
import { createSqliteMessageIndexing, type SqliteMessageIndexing } from './message-index.sqlite.js';

export { INDEX_BATCH } from './message-index.sqlite.js';

export interface MessageIndexer {
  /** Indexes up to `limit` rows; answers how many. */
  indexBatch(limit?: number): Promise<number>;
  /** True when every stored message is searchable. */
  upToDate(): Promise<boolean>;
  /** Indexes batches until up to date or `maxBatches` ran; answers how many rows. */
  catchUp(maxBatches: number): Promise<number>;
}

const nothingToIndex: MessageIndexer = {
  indexBatch: async () => 0,
  upToDate: async () => true,
  catchUp: async () => 0,
};

export function createMessageIndexer(store: Store): MessageIndexer {
  if (store.dialect === 'pg') return nothingToIndex;
  let indexing: SqliteMessageIndexing | undefined;
  const run = <T>(work: (indexing: SqliteMessageIndexing) => T) =>
    store.exclusive((sqlite: Sqlite) => work((indexing ??= createSqliteMessageIndexing(sqlite))));
  return {
    indexBatch: (limit) => run((i) => i.indexBatch(limit)),
    upToDate: () => run((i) => i.upToDate()),
    catchUp: (maxBatches) => run((i) => i.catchUp(maxBatches)),
  };
}
