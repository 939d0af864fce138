// Administrative writes whose check and write must not interleave, raced on PostgreSQL from two
// stores (two pools, as two hub instances) on one database: one of each pair wins and the other
// runs after it, never over it. SQLite has one writer, so these races cannot happen there.
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAccounts } from '../../src/admin/accounts-import.js';
import { createAccountsAdminRepository } from '../../src/admin/accounts.repository.js';
import { createAccountsService, type AccountsService } from '../../src/admin/accounts.service.js';
import type { AdminContext } from '../../src/admin/admin-context.js';
import { createBranchesRepository } from '../../src/admin/branches.repository.js';
import { createUsersRepository } from '../../src/admin/users.repository.js';
import { createUsersService } from '../../src/admin/users.service.js';
import { openPgStore } from '../../src/db/pg-store.js';
import type { PgStore } from '../../src/db/store.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';
import { recordingIo, seedOrganisation, type Organisation } from './admin-harness.js';

describe('administration on pg, two instances at once', () => {
  let cluster: PrivatePostgres;
  let one: PgStore;
  let two: PgStore;
  let org: Organisation;
  let ctx: AdminContext;
  const usersOf = (store: PgStore) =>
    createUsersService({ store, users: createUsersRepository(store), branches: createBranchesRepository(store), io: recordingIo().io });
  const serviceOf = (store: PgStore): AccountsService => createAccountsService({ store, accounts: createAccountsAdminRepository(store), io: recordingIo().io });

  beforeAll(async () => {
    cluster = await startPostgres();
    const url = await cluster.createDatabase('t_admin_races');
    one = await openPgStore(url);
    two = await openPgStore(url);
    org = await seedOrganisation(one);
    ctx = { actor: { id: org.users.master, username: 'master', name: 'master Name', role: 'master', branchId: null, tokenId: 0 }, ip: '10.0.0.1', now: 1_700_000_000_000 };
  }, 60_000);
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await cluster?.stop();
  });

  it('two reassignments of one account: the second moves the conversations from the first one\'s seat', async () => {
    const { accounts, auditLog, conversations, users } = one.tables;
    const [seat4] = await one.db.insert(users).values({ username: 'seat4', name: 'seat4', passwordHash: 'x', role: 'seat', branchId: org.north }).returning({ id: users.id });
    const seats = [org.users.seat1, org.users.seat2, seat4!.id];
    for (let round = 0; round < 6; round++) {
      const [from, a, b] = [seats[round % 3]!, seats[(round + 1) % 3]!, seats[(round + 2) % 3]!];
      const [current] = await one.db.select({ seatId: accounts.seatId }).from(accounts).where(eq(accounts.id, org.account));
      expect(current!.seatId).toBe(from);
      await Promise.all([serviceOf(one).update(ctx, org.account, { seatId: a }), serviceOf(two).update(ctx, org.account, { seatId: b })]);
      const [account] = await one.db.select({ seatId: accounts.seatId }).from(accounts).where(eq(accounts.id, org.account));
      const owners = await one.db.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.accountId, org.account));
      // Whoever won, the conversations followed the account to its final seat.
      expect(owners.map((o) => o.seatId)).toEqual([account!.seatId, account!.seatId]);
      const [first, second] = (await one.db.select().from(auditLog).where(eq(auditLog.action, 'account.update')).orderBy(asc(auditLog.id))).slice(-2).map((r) => JSON.parse(r.detail));
      expect(first.seatId.before).toBe(from);
      expect(second.seatId.before).toBe(first.seatId.after);
      expect(second.seatId.after).toBe(account!.seatId);
      // The next round starts from wherever this one ended.
      if (account!.seatId !== seats[(round + 1) % 3]) await serviceOf(one).update(ctx, org.account, { seatId: seats[(round + 1) % 3]! });
    }
  });

  it('a seat leaving its branch while an account is given to it: one of the two is refused', async () => {
    const { accounts, users } = one.tables;
    for (let round = 0; round < 6; round++) {
      const [seat] = await one.db.insert(users).values({ username: `mover${round}`, name: 'mover', passwordHash: 'x', role: 'seat', branchId: org.north }).returning({ id: users.id });
      const [account] = await one.db.insert(accounts).values({ phone: `+8630000000${round}`, branchId: org.north }).returning({ id: accounts.id });
      const outcomes = await Promise.allSettled([
        usersOf(one).update(ctx, seat!.id, { branchId: org.south }),
        serviceOf(two).update(ctx, account!.id, { seatId: seat!.id }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      expect([400, 409]).toContain((refused.reason as { code: number }).code);
      // Never an account of the north held by a seat of the south.
      const [held] = await one.db.select({ seatId: accounts.seatId }).from(accounts).where(eq(accounts.id, account!.id));
      const [where] = await one.db.select({ branchId: users.branchId }).from(users).where(eq(users.id, seat!.id));
      if (held!.seatId === seat!.id) expect(where!.branchId).toBe(org.north);
      else expect(where!.branchId).toBe(org.south);
    }
  });

  it('two imports of the same phones: each phone is created once, the other import skips it as taken', async () => {
    const phones = Array.from({ length: 8 }, (_, i) => `+86200000000${i}`);
    const rows = phones.map((phone) => ({ phone, branchId: String(org.north) }));
    const [a, b] = await Promise.all([importAccounts(one, serviceOf(one), ctx, rows), importAccounts(two, serviceOf(two), ctx, rows)]);
    expect(a.created + b.created).toBe(phones.length);
    expect(a.skipped.length + b.skipped.length).toBe(phones.length);
    expect([...a.skipped, ...b.skipped].every((s) => /taken/.test(s.reason))).toBe(true);
    const { accounts } = one.tables;
    expect(await one.db.select({ phone: accounts.phone }).from(accounts).where(inArray(accounts.phone, phones))).toHaveLength(phones.length);
  });
});
