// Quick search (快捷搜索) over targets and message text, within what the caller may see.
// Keywords of three or more characters use each engine's substring index: FTS5 trigram tables
// on SQLite (search.sqlite.ts), pg_trgm GIN indexes under ILIKE on PostgreSQL (search.pg.ts),
// case-insensitive on both. Shorter ones have no trigram, so both fall back to a pattern match
// over a bounded set of the caller's own rows. Both engines answer the same hits in the same order.
import type { Store } from '../db/store.js';
import { createPgSearch } from './search.pg.js';
import { createSqliteSearch } from './search.sqlite.js';
import type { SearchRepository } from './search.rules.js';

export * from './search.rules.js';

export function createSearchRepository(store: Store): SearchRepository {
  return store.dialect === 'sqlite' ? createSqliteSearch(store) : createPgSearch(store);
}
