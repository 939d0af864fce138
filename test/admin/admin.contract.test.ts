// Administration over both engines, through its routes: users, branches and accounts CRUD with
// uniqueness as 409, the scope rules (a branch manager only in its branch, only a master touches
// masters and admins), keyword search that is case-insensitive and literal, reassignment moving
// conversations, bulk import skipping bad rows, and the audit row every write leaves.
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { contractStores, ENGINES } from '../helpers/contract-engines.js';
import { adminApp, seedOrganisation, type Organisation, type Push } from './admin-harness.js';

const engines = ENGINES;

const stores = contractStores('admin');

describe.each(engines)('administration on %s', (engine) => {
  let store: Store;
  let app: FastifyInstance;
  let pushes: Push[];
  let dropped: string[];
  let org: Organisation;

  const call = async (as: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
    const res = await app.inject({ method, url: `/xd/admin${url}`, headers: { as }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: res.json() as { code: number; error?: string; msg: string; data: any } };
  };
  const audits = async (action: string) => {
    const { auditLog } = store.tables;
    return store.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id));
  };

  beforeAll(async () => {
    store = await stores.open(engine);
    org = await seedOrganisation(store);
    ({ app, pushes, dropped } = await adminApp(store));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  describe('users', () => {
    it('creates a user with its audit row, and answers 409 for a taken username', async () => {
      const created = await call('admin', 'POST', '/users', { username: 'seat4', name: 'Seat Four', password: 'password1', role: 'seat', branchId: String(org.north) });
      expect(created.status).toBe(200);
      const id = Number(created.body.data.userId);
      const [row] = await audits('user.create');
      expect(row).toMatchObject({ actorId: org.users.admin, subject: `user:${id}` });
      expect(JSON.parse(row!.detail)).toMatchObject({ username: { before: null, after: 'seat4' }, role: { before: null, after: 'seat' } });
      const again = await call('admin', 'POST', '/users', { username: 'seat4', name: 'Other', password: 'password1', role: 'seat', branchId: String(org.north) });
      expect(again).toMatchObject({ status: 409, body: { error: 'duplicate' } });
      expect(await audits('user.create')).toHaveLength(1);
    });

    it('keeps a branch manager in its branch and to supervisors and seats; only a master manages admins and masters', async () => {
      expect((await call('mgr', 'POST', '/users', { username: 'seat5', name: 'S5', password: 'password1', role: 'seat', branchId: String(org.south) })).status).toBe(403);
      expect((await call('mgr', 'POST', '/users', { username: 'mgr9', name: 'M9', password: 'password1', role: 'branch', branchId: String(org.north) })).status).toBe(403);
      // Without a branchId a branch manager's seat lands in its own branch.
      const own = await call('mgr', 'POST', '/users', { username: 'seat5', name: 'S5', password: 'password1', role: 'seat' });
      expect(own.status).toBe(200);
      const { users } = store.tables;
      const [seat5] = await store.db.select({ branchId: users.branchId }).from(users).where(eq(users.id, Number(own.body.data.userId)));
      expect(seat5!.branchId).toBe(org.north);
      expect((await call('mgr', 'PUT', `/users/${org.users.seat3}`, { name: 'Not yours' })).status).toBe(403);
      expect((await call('admin', 'PUT', `/users/${org.users.master}`, { name: 'Nope' })).status).toBe(403);
      expect((await call('admin', 'POST', '/users', { username: 'admin2', name: 'A2', password: 'password1', role: 'admin' })).status).toBe(403);
      expect((await call('master', 'POST', '/users', { username: 'admin2', name: 'A2', password: 'password1', role: 'admin' })).status).toBe(200);
      expect((await call('seat1', 'GET', '/users')).status).toBe(403);
    });

    it('lists by scope, and matches keywords case-insensitively and literally', async () => {
      const mine = await call('mgr', 'GET', '/users?pageSize=200');
      expect(mine.status).toBe(200);
      expect(new Set(mine.body.data.rows.map((u: { role: string }) => u.role))).toEqual(new Set(['supervisor', 'seat']));
      expect(mine.body.data.rows.every((u: { branchId: string }) => u.branchId === String(org.north))).toBe(true);
      expect(mine.body.data.total).toBe(mine.body.data.rows.length);
      const upper = await call('admin', 'GET', '/users?keyword=SEAT1%20NAME');
      expect(upper.body.data.rows.map((u: { username: string }) => u.username)).toEqual(['seat1']);
      // % and _ are not wildcards.
      expect((await call('admin', 'GET', '/users?keyword=%25')).body.data.total).toBe(0);
      expect((await call('admin', 'GET', '/users?keyword=seat_')).body.data.total).toBe(0);
      expect((await call('admin', 'GET', '/users?disabled=false&role=branch')).body.data.total).toBe(2);
    });

    it('disabling revokes the tokens with the change and drops the sockets; a seat holding accounts cannot leave its branch', async () => {
      const { tokens } = store.tables;
      await store.db.insert(tokens).values({ userId: org.users.super1, tokenHash: `h-${engine}`, expiresAt: Number.MAX_SAFE_INTEGER });
      expect((await call('mgr', 'PUT', `/users/${org.users.super1}`, { disabled: true })).status).toBe(200);
      const [token] = await store.db.select().from(tokens).where(eq(tokens.userId, org.users.super1));
      expect(token!.revokedAt).toBe(1_700_000_000_000);
      expect(dropped).toContain(`user:${org.users.super1}`);
      const [row] = await audits('user.update');
      expect(JSON.parse(row!.detail)).toEqual({ disabled: { before: false, after: true } });
      const moved = await call('admin', 'PUT', `/users/${org.users.seat1}`, { branchId: String(org.south) });
      expect(moved).toMatchObject({ status: 409, body: { msg: expect.stringMatching(/1 accounts/) } });
      expect((await call('master', 'PUT', `/users/${org.users.master}`, { disabled: true })).status).toBe(400);
      expect((await call('admin', 'PUT', '/users/999999', { name: 'x' })).status).toBe(404);
    });

    it('resets a password: a new hash, tokens revoked, an audit row without the secret', async () => {
      const { tokens, users } = store.tables;
      await store.db.insert(tokens).values({ userId: org.users.seat2, tokenHash: `r-${engine}`, expiresAt: Number.MAX_SAFE_INTEGER });
      expect((await call('mgr', 'PUT', `/users/${org.users.seat2}/password`, { password: 'new-password' })).status).toBe(200);
      const [user] = await store.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, org.users.seat2));
      expect(user!.hash).not.toBe('x');
      const [token] = await store.db.select().from(tokens).where(eq(tokens.tokenHash, `r-${engine}`));
      expect(token!.revokedAt).not.toBeNull();
      expect((await audits('user.password.reset')).map((a) => a.detail)).toEqual(['{}']);
      expect((await call('mgr', 'PUT', `/users/${org.users.seat3}/password`, { password: 'new-password' })).status).toBe(403);
    });
  });

  describe('branches', () => {
    it('creates, renames and lists branches with their head counts; a taken name is a 409', async () => {
      const created = await call('admin', 'POST', '/branches', { name: 'East' });
      expect(created.status).toBe(200);
      expect((await call('admin', 'POST', '/branches', { name: 'East' })).body).toMatchObject({ code: 409, error: 'duplicate' });
      expect((await call('admin', 'PUT', `/branches/${created.body.data.branchId}`, { name: 'North' })).body).toMatchObject({ code: 409, error: 'duplicate' });
      expect((await call('admin', 'PUT', `/branches/${created.body.data.branchId}`, { name: 'Far East' })).status).toBe(200);
      expect((await call('admin', 'PUT', '/branches/999999', { name: 'Nowhere' })).status).toBe(404);
      const north = (await call('admin', 'GET', '/branches?keyword=NORTH')).body.data;
      expect(north.total).toBe(1);
      expect(north.rows[0]).toMatchObject({ name: 'North', accounts: 1 });
      expect(north.rows[0].seats).toBeGreaterThanOrEqual(2);
      expect(north.rows[0].supervisors).toBe(1);
      expect((await call('admin', 'GET', '/branches?keyword=_')).body.data.total).toBe(0);
      expect((await call('mgr', 'GET', '/branches')).status).toBe(403);
      expect((await audits('branch.update')).map((a) => JSON.parse(a.detail))).toEqual([{ name: { before: 'East', after: 'Far East' } }]);
    });

    it('deletes an empty branch, and refuses one that still has people or accounts with a 409', async () => {
      expect((await call('admin', 'DELETE', `/branches/${org.south}`)).body).toMatchObject({ code: 409, msg: expect.stringMatching(/still has/) });
      const empty = await call('admin', 'POST', '/branches', { name: 'Temporary' });
      expect((await call('admin', 'DELETE', `/branches/${empty.body.data.branchId}`)).status).toBe(200);
      expect((await call('admin', 'DELETE', `/branches/${empty.body.data.branchId}`)).status).toBe(404);
      expect(await audits('branch.delete')).toHaveLength(1);
    });
  });

  describe('accounts', () => {
    it('creates an account (assigned: pushed to its seat), and answers 409 for a taken phone, 400 for a seat of another branch, 403 outside a manager\'s branch', async () => {
      const created = await call('mgr', 'POST', '/accounts', { phone: '+8610000000002', branchId: String(org.north), seatId: String(org.users.seat2) });
      expect(created.status).toBe(200);
      expect(pushes.at(-1)).toMatchObject({ rooms: [`seat:${org.users.seat2}`, `branch:${org.north}`], event: 'account:assigned', payload: { accountId: created.body.data.accountId } });
      expect((await call('mgr', 'POST', '/accounts', { phone: '+8610000000002', branchId: String(org.north) })).body).toMatchObject({ code: 409, error: 'duplicate' });
      expect((await call('admin', 'POST', '/accounts', { phone: '+8610000000003', branchId: String(org.north), seatId: String(org.users.seat3) })).status).toBe(400);
      expect((await call('mgr', 'POST', '/accounts', { phone: '+8610000000003', branchId: String(org.south) })).status).toBe(403);
      expect((await call('admin', 'POST', '/accounts', { phone: '+8610000000003', branchId: '999999' })).status).toBe(400);
      expect(await audits('account.create')).toHaveLength(1);
    });

    it('lists by scope and filter; the phone keyword is literal', async () => {
      expect((await call('mgr2', 'GET', '/accounts')).body.data.total).toBe(0);
      const north = (await call('mgr', 'GET', '/accounts?keyword=0000001')).body.data;
      expect(north.rows).toEqual([expect.objectContaining({ phone: '+8610000000001', seatId: String(org.users.seat1), seatName: 'seat1 Name' })]);
      expect((await call('admin', 'GET', '/accounts?keyword=%2B86%25')).body.data.total).toBe(0);
      expect((await call('admin', 'GET', `/accounts?unassigned=true&branchId=${org.north}`)).body.data.total).toBe(0);
      expect((await call('admin', 'GET', `/accounts?unassigned=false&seatId=${org.users.seat1}`)).body.data.total).toBe(1);
    });

    it('reassigns an account: its seat\'s and nobody\'s conversations move to the new seat, each seat hears of it', async () => {
      const before = pushes.length;
      const res = await call('mgr', 'PUT', `/accounts/${org.account}`, { seatId: String(org.users.seat2) });
      expect(res.status).toBe(200);
      const { accounts, activity, conversations } = store.tables;
      const owners = await store.db.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.accountId, org.account));
      expect(owners.map((o) => o.seatId)).toEqual([org.users.seat2, org.users.seat2]);
      const [account] = await store.db.select({ seatId: accounts.seatId }).from(accounts).where(eq(accounts.id, org.account));
      expect(account!.seatId).toBe(org.users.seat2);
      const moved = await store.db.select().from(activity).where(and(eq(activity.seatId, org.users.seat2), eq(activity.kind, 'account:assigned')));
      expect(moved.filter((a) => a.targetId !== null).map((a) => a.targetId).sort()).toEqual([...org.targets].sort());
      expect(pushes.slice(before).map((p) => [p.event, p.rooms[0]])).toEqual([
        ['account:unassigned', `seat:${org.users.seat1}`],
        ['account:assigned', `seat:${org.users.seat2}`],
      ]);
      const [row] = (await audits('account.update')).slice(-1);
      expect(JSON.parse(row!.detail)).toMatchObject({ seatId: { before: org.users.seat1, after: org.users.seat2 }, movedConversations: 2 });
      // Unassigning leaves the conversations with nobody.
      expect((await call('mgr', 'PUT', `/accounts/${org.account}`, { seatId: null })).status).toBe(200);
      const after = await store.db.select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.accountId, org.account));
      expect(after.map((o) => o.seatId)).toEqual([null, null]);
      expect((await call('mgr', 'PUT', `/accounts/${org.account}`, { seatId: String(org.users.seat1) })).status).toBe(200);
    });

    it('refuses a taken bridge session (409), an unknown proxy (400), another branch\'s account (403)', async () => {
      const other = await call('admin', 'POST', '/accounts', { phone: '+8610000000009', branchId: String(org.south) });
      expect((await call('admin', 'PUT', `/accounts/${other.body.data.accountId}`, { bridgeSession: '8610000000001' })).body).toMatchObject({ code: 409, error: 'duplicate' });
      expect((await call('admin', 'PUT', `/accounts/${other.body.data.accountId}`, { bridgeSession: 'south-1' })).status).toBe(200);
      expect((await call('admin', 'PUT', `/accounts/${org.account}`, { bridgeSession: 'south-1' })).status).toBe(409);
      expect((await call('admin', 'PUT', `/accounts/${org.account}`, { proxyId: '999999' })).status).toBe(400);
      expect((await call('mgr', 'PUT', `/accounts/${other.body.data.accountId}`, { disabled: true })).status).toBe(403);
      expect((await call('admin', 'PUT', '/accounts/999999', { disabled: true })).status).toBe(404);
    });

    it('deletes an account without conversations; one with them is a 409', async () => {
      expect((await call('admin', 'DELETE', `/accounts/${org.account}`)).body).toMatchObject({ code: 409 });
      const spare = await call('admin', 'POST', '/accounts', { phone: '+8610000000010', branchId: String(org.north), seatId: String(org.users.seat1) });
      const before = pushes.length;
      expect((await call('mgr', 'DELETE', `/accounts/${spare.body.data.accountId}`)).status).toBe(200);
      expect(pushes.slice(before).map((p) => p.event)).toEqual(['account:unassigned']);
      expect(await audits('account.delete')).toHaveLength(1);
    });

    it('imports in one transaction: bad rows skipped with their reason, good rows kept, one audit row', async () => {
      const res = await call('mgr', 'POST', '/accounts/import', {
        accounts: [
          { phone: '+8610000000101', branchId: String(org.north) },
          { phone: 'not-a-phone', branchId: String(org.north) },
          { phone: '+8610000000101', branchId: String(org.north) },
          { phone: '+8610000000102', branchId: String(org.south) },
          { phone: '+8610000000103', branchId: String(org.north), seatId: String(org.users.seat3) },
          { phone: '+8610000000104', branchId: String(org.north), seatId: String(org.users.seat2), platform: 'telegram' },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.data.created).toBe(2);
      expect(res.body.data.skipped.map((s: { row: number; reason: string }) => [s.row, s.reason])).toEqual([
        [1, expect.stringMatching(/^phone: /)],
        [2, expect.stringMatching(/taken/)],
        [3, expect.stringMatching(/not your branch/)],
        [4, expect.stringMatching(/must be a seat of branch/)],
      ]);
      const [row] = await audits('account.import');
      expect(JSON.parse(row!.detail)).toEqual({ created: ['+8610000000101', '+8610000000104'], skipped: 4 });
      const { accounts } = store.tables;
      const [telegram] = await store.db.select().from(accounts).where(eq(accounts.phone, '+8610000000104'));
      expect(telegram).toMatchObject({ platform: 'telegram', seatId: org.users.seat2, branchId: org.north });
    });
  });
});
