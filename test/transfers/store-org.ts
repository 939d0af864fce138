// A small organisation written through the store, so the contract suites run it on either
// engine: one branch with a manager and three seats (the third disabled), a seat of another
// branch, a master, accounts and one target per account. Plus an access check on the store
// with the answers of src/access (404 unknown, 403 not yours) for the roles used here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { Server } from 'socket.io';
import type { AuthUser } from '../../src/auth/auth.repository.js';
import { openPgStore } from '../../src/db/pg-store.js';
import type { Role } from '../../src/db/schema.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import type { Store } from '../../src/db/store.js';
import { forbidden, notFound } from '../../src/http/errors.js';
import type { HubServer } from '../../src/realtime/hub-server.js';
import type { PrivatePostgres } from '../helpers/pg.js';

export type Engine = 'sqlite' | 'pg';

/** A fresh empty database on `engine`; `open()` gives another store on the same database. */
export async function freshDatabase(engine: Engine, cluster: PrivatePostgres | undefined, name: string) {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hub-contract-'));
    const path = join(dir, 'hub.db');
    const open = async (): Promise<Store> => openSqliteStore(path, { busyTimeoutMs: 10_000 });
    return { open, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const url = await cluster!.createDatabase(name);
  return { open: () => openPgStore(url), cleanup: () => undefined };
}

/** A Socket.IO server bound to nothing: pushes go nowhere. */
export const silentIo = (): HubServer => new Server();

export interface Org {
  branchId: number;
  otherBranchId: number;
  master: AuthUser;
  manager: AuthUser;
  seats: AuthUser[];
  otherSeat: AuthUser;
  /** accounts[i] is seats[i]'s (the last one is unassigned). */
  accounts: number[];
  /** targets[i] belongs to accounts[i]; its conversation to seats[i]. */
  targets: number[];
}

export async function seedOrg(store: Store): Promise<Org> {
  const { accounts, branches, conversations, targets, users } = store.tables;
  const db = store.db;
  const [branch] = await db.insert(branches).values({ name: '一部' }).returning({ id: branches.id });
  const [other] = await db.insert(branches).values({ name: '二部' }).returning({ id: branches.id });
  const addUser = async (username: string, name: string, role: Role, branchId: number | null, disabled = false): Promise<AuthUser> => {
    const [row] = await db.insert(users).values({ username, name, role, branchId, passwordHash: 'x', disabled }).returning({ id: users.id });
    return { id: row!.id, username, name, role, branchId, tokenId: 0 };
  };
  const master = await addUser('master', '总管', 'master', null);
  const manager = await addUser('branch1', '经理', 'branch', branch!.id);
  const seats = [
    await addUser('seat_a', 'Alice 100%', 'seat', branch!.id),
    await addUser('seat_b', 'bob_B', 'seat', branch!.id),
    await addUser('seat_c', 'Carol', 'seat', branch!.id, true),
  ];
  const otherSeat = await addUser('seat_z', 'Zed', 'seat', other!.id);
  const accountIds: number[] = [];
  const targetIds: number[] = [];
  for (const [i, seat] of [...seats, null].entries()) {
    const [account] = await db
      .insert(accounts)
      .values({ phone: `+86138000000${10 + i}`, seatId: seat?.id ?? null, status: i % 2 === 0 ? 'online' : 'offline' })
      .returning({ id: accounts.id });
    const [target] = await db.insert(targets).values({ accountId: account!.id, platformUid: `uid-${i}`, name: `客户${i}` }).returning({ id: targets.id });
    await db.insert(conversations).values({ targetId: target!.id, accountId: account!.id, seatId: seat?.id ?? null });
    accountIds.push(account!.id);
    targetIds.push(target!.id);
  }
  return { branchId: branch!.id, otherBranchId: other!.id, master, manager, seats, otherSeat, accounts: accountIds, targets: targetIds };
}

/** src/access's targetFor / accountFor / seatFor on the store, for masters and seats. */
export function storeAccess(store: Store) {
  const { accounts, conversations, targets, users } = store.tables;
  const db = store.db;
  const mayAct = (user: AuthUser, seatId: number | null) => seatId !== null && (user.role === 'master' || user.id === seatId);
  return {
    async targetFor(user: AuthUser, targetId: number) {
      const [row] = await db
        .select({ target: targets, conversation: conversations, account: accounts })
        .from(targets)
        .innerJoin(conversations, eq(conversations.targetId, targets.id))
        .innerJoin(accounts, eq(accounts.id, targets.accountId))
        .where(eq(targets.id, targetId));
      if (!row) throw notFound('receId');
      if (!mayAct(user, row.conversation.seatId)) throw forbidden('receId: not a target you may see');
      return row;
    },
    async accountFor(user: AuthUser, accountId: number) {
      const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
      if (!account) throw notFound('accountId');
      if (!mayAct(user, account.seatId)) throw forbidden('accountId: not an account you may see');
      return account;
    },
    async seatFor(user: AuthUser, seatId: number) {
      const [seat] = await db.select({ id: users.id, name: users.name, username: users.username, branchId: users.branchId }).from(users).where(eq(users.id, seatId));
      if (!seat) throw notFound('seat');
      if (!mayAct(user, seat.id)) throw forbidden('custServId: not a seat you may see');
      return seat;
    },
  };
}

/** A rejection's HubError code (or the error itself when it is no HubError). */
export const failureCode = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'ok',
    (e: unknown) => (e instanceof Error && 'code' in e && typeof e.code === 'number' ? e.code : e),
  );
