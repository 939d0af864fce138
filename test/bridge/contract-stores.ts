// Fresh stores of one engine for a contract test file: SQLite files in a temp dir, or databases
// on one private PostgreSQL cluster started for the file. Also the accounts and seats the bridge
// and group-pull contracts share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openPgStore } from '../../src/db/pg-store.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import type { Store } from '../../src/db/store.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';

export type Engine = 'sqlite' | 'pg';
export const ENGINES = ['sqlite', 'pg'] as const;

export interface EngineStores {
  /** A migrated, empty database of the engine. */
  fresh(): Promise<Store>;
  /** Another store on the same database as `fresh()` last opened (another host, say). On
   * SQLite only for reads or turns: two connections in one thread cannot both hold a transaction. */
  again(): Promise<Store>;
}

/** Call inside a describe: starts the engine before its tests and closes everything after. */
export function engineStores(engine: Engine, prefix: string): EngineStores {
  let cluster: PrivatePostgres | undefined;
  let dir = '';
  let n = 0;
  let last = '';
  const opened: Store[] = [];
  beforeAll(async () => {
    if (engine === 'pg') cluster = await startPostgres();
    else dir = mkdtempSync(join(tmpdir(), `hub-${prefix}-`));
  }, 120_000);
  afterAll(async () => {
    for (const store of opened) await store.close().catch(() => undefined);
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const open = async (where: string) => {
    const store = engine === 'pg' ? await openPgStore(where) : openSqliteStore(where);
    opened.push(store);
    return store;
  };
  return {
    async fresh() {
      n++;
      last = engine === 'pg' ? await cluster!.createDatabase(`t_${prefix}_${n}`) : join(dir, `hub-${n}.db`);
      return open(last);
    },
    async again() {
      return open(last);
    },
  };
}

export interface Seeded {
  branchId: number;
  seatId: number;
  otherSeatId: number;
  proxyId: number;
  /** Seat's account with a proxy. */
  phone: string;
  accountId: number;
}

/** A branch with two seats; the first seat holds +8613800000001 (through a proxy). */
export async function seed(store: Store): Promise<Seeded> {
  const { accounts, branches, proxies, users } = store.tables;
  const [branch] = await store.db.insert(branches).values({ name: 'north' }).returning({ id: branches.id });
  const seat = (username: string) => ({ username, name: username, passwordHash: 'x', role: 'seat' as const, branchId: branch!.id });
  const [s1, s2] = await store.db.insert(users).values([seat('seat1'), seat('seat2')]).returning({ id: users.id });
  const [proxy] = await store.db.insert(proxies).values({ host: '10.0.0.1', port: 1080, protocol: 'socks5', username: 'u', password: 'p' }).returning({ id: proxies.id });
  const [account] = await store.db
    .insert(accounts)
    .values({ phone: '+8613800000001', seatId: s1!.id, branchId: branch!.id, proxyId: proxy!.id })
    .returning({ id: accounts.id });
  return { branchId: branch!.id, seatId: s1!.id, otherSeatId: s2!.id, proxyId: proxy!.id, phone: '+8613800000001', accountId: account!.id };
}
