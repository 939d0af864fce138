// Keeps the quick-search index of message text close behind the callbacks, every few hundred
// milliseconds, so a search rarely has anything left to index first.
import type { FastifyBaseLogger } from 'fastify';
import type { MessageIndexer } from './message-index.repository.js';

export function startMessageIndexing(indexer: MessageIndexer, options: { everyMs?: number; log?: FastifyBaseLogger } = {}): () => void {
  // A tick that finds the previous one still waiting for the connection skips its turn.
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      // One batch per tick: indexing never holds the event loop or the write lock for long.
      if (!(await indexer.upToDate())) await indexer.indexBatch();
    } catch (error) {
      // Busy with another writer, or closing: the next tick or the next search catches up.
      options.log?.debug({ err: error }, 'message indexing deferred');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.everyMs ?? 250);
  timer.unref();
  return () => clearInterval(timer);
}
