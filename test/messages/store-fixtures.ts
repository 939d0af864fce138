// Fresh stores on either engine for the contract suites of messages/, timeline/ and access/:
// SQLite files in one temp dir, or databases of one private PostgreSQL cluster per test file.
// `reopen` opens a second store on the same database, as a second hub process or host would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgStore } from '../../src/db/pg-store.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import type { Store } from '../../src/db/store.js';
import type { BridgeMessage } from '../../src/messages/inbound.repository.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';

export const ENGINES = ['sqlite', 'pg'] as const;
export type Engine = (typeof ENGINES)[number];

export interface Fresh {
  store: Store;
  reopen(): Promise<Store>;
}

export function engineStores(engine: Engine) {
  let dir: string | undefined;
  let cluster: PrivatePostgres | undefined;
  let n = 0;
  const opened: Store[] = [];
  const track = (store: Store) => {
    opened.push(store);
    return store;
  };
  return {
    async start() {
      if (engine === 'sqlite') dir = mkdtempSync(join(tmpdir(), 'hub-contract-'));
      else cluster = await startPostgres();
    },
    async fresh(): Promise<Fresh> {
      n += 1;
      if (engine === 'sqlite') {
        const path = join(dir!, `hub-${n}.db`);
        return { store: track(openSqliteStore(path)), reopen: async () => track(openSqliteStore(path)) };
      }
      const url = await cluster!.createDatabase(`t_${n}`);
      return { store: track(await openPgStore(url)), reopen: async () => track(await openPgStore(url)) };
    },
    async stop() {
      for (const store of opened.splice(0)) await store.close().catch(() => undefined);
      await cluster?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SeatFixture {
  branchId: number;
  seatId: number;
  accountId: number;
  phone: string;
}

/** A branch with one seat that owns one account (phone `phone`). */
export async function seedSeat(store: Store, name: string, phone: string, branchId?: number): Promise<SeatFixture> {
  const { accounts, branches, users } = store.tables;
  const branch = branchId ?? (await store.db.insert(branches).values({ name: `branch-${name}` }).returning({ id: branches.id }))[0]!.id;
  const [seat] = await store.db.insert(users).values({ username: name, name, passwordHash: 'x', role: 'seat', branchId: branch }).returning({ id: users.id });
  const [account] = await store.db.insert(accounts).values({ phone, seatId: seat!.id, branchId: branch }).returning({ id: accounts.id });
  return { branchId: branch, seatId: seat!.id, accountId: account!.id, phone };
}

let counter = 0;
/** An inbound text from `from` to the account `phone`, with a fresh msgId unless given. */
export function message(phone: string, from: string, overrides: Partial<BridgeMessage> = {}): BridgeMessage {
  counter += 1;
  return {
    phone,
    msgId: `m-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    direction: 'in',
    from: { id: from, name: from },
    contentType: '1',
    content: `text ${counter}`,
    sendTime: Date.UTC(2026, 10, 26, 8, 0, 0) + counter * 1000,
    ...overrides,
  };
}

export const TZ = 'Asia/Shanghai';
