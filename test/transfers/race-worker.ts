// Run as its own process by transfer-race.test.ts: opens the shared database (the SQLite file, or
// the PostgreSQL database its URL names) and transfers one target between seats as fast as it
// can, so several processes contend for the same rows.
// Prints one JSON line: how many transfers it made, how many were refused, and when it ran.
import { eq } from 'drizzle-orm';
import { Server } from 'socket.io';
import { createAccess } from '../../src/access/access.js';
import { openDatabase } from '../../src/db/open.js';
import { openPgStore } from '../../src/db/pg-store.js';
import { createSqliteStore } from '../../src/db/sqlite-store.js';
import type { Store } from '../../src/db/store.js';
import { HubError } from '../../src/http/errors.js';
import type { HubServer } from '../../src/realtime/hub-server.js';
import { createTransfers } from '../../src/transfers/transfers.js';

const [location, targetId, seatList, rounds, startAt] = process.argv.slice(2) as [string, string, string, string, string];
function openSqlite(path: string): Store {
  const database = openDatabase(path, { busyTimeoutMs: 20_000 });
  return createSqliteStore(database.sqlite, database.close);
}
const store: Store = /^postgres(ql)?:/.test(location) ? await openPgStore(location, { poolMax: 2 }) : openSqlite(location);
const { users } = store.tables;
const [manager] = (await store.db.select().from(users).where(eq(users.username, 'branch1'))) as [typeof users.$inferSelect];
const user = { id: manager.id, username: manager.username, name: manager.name, role: manager.role, branchId: manager.branchId, tokenId: 0 };
// Not attached to any HTTP server: the pushes go nowhere, the database is what is under test.
const io: HubServer = new Server();
const transfers = createTransfers({ store, access: createAccess(store), io, clock: { now: () => Date.now() }, tzName: 'Asia/Shanghai' });
const seats = seatList.split(',').map(Number);

// Every process starts at the same instant, so their transactions really interleave.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const started = Date.now();
let made = 0;
let refused = 0;
for (let i = 0; i < Number(rounds); i++) {
  try {
    await transfers.transfer(user, { targetId: Number(targetId), toSeatId: seats[i % seats.length]!, reason: `round ${i}`, requestId: null });
    made++;
  } catch (error) {
    if (!(error instanceof HubError) || error.code !== 409) throw error;
    refused++;
  }
}
process.stdout.write(`${JSON.stringify({ made, refused, started, finished: Date.now() })}\n`);

await store.close();
