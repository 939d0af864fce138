// The inbound store of the engine in use: the one place that picks an implementation by dialect.
import type { Store } from '../db/store.js';
import { createPgInbound } from './inbound.pg.js';
import { createSqliteInbound } from './inbound.sqlite.js';
import type { InboundStore } from './inbound.types.js';

export type * from './inbound.types.js';
// Synchronous SQLite entry points on a drizzle better-sqlite3 handle, for seeding and tests.
export { storeBridgeMessage, storeBridgeMessages } from './inbound.sqlite.js';

export function createInboundStore(store: Store): InboundStore {
  return store.dialect === 'pg' ? createPgInbound(store) : createSqliteInbound(store);
}
