// Branches and users over REST: role scopes, the rules of each write, passwords and the audit
// rows the writes leave.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';
import { userIdIn } from '../messages/fixtures.js';

describe('administration: branches and users', () => {
  let t: TestHub;
  const tok: Record<string, string> = {};
  let branch1: string;
  let branch2: string;
  const auditRows = () => t.hub.store.db.select().from(t.hub.store.tables.auditLog).orderBy(t.hub.store.tables.auditLog.id);
  const userId = (username: string) => userIdIn(t.hub.store, username);

  beforeAll(async () => {
    t = await startHub();
    for (const u of ['master', 'admin', 'branch1', 'seat1', 'super1']) tok[u] = await t.login(u);
    const { users } = t.hub.store.tables;
    branch1 = String((await t.hub.store.db.select({ b: users.branchId }).from(users).where(eq(users.username, 'branch1')))[0]!.b);
  });
  afterAll(() => t?.close());

  it('lets a master create, list and rename a branch; a duplicate name is 409', async () => {
    const created = await t.call('POST', '/xd/admin/branches', { token: tok.master, body: { name: '三部' } });
    expect(created.status).toBe(200);
    branch2 = created.body.data.branchId;
    const dup = await t.call('POST', '/xd/admin/branches', { token: tok.admin, body: { name: '三部' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('duplicate');
    const list = await t.call('GET', '/xd/admin/branches?pageSize=50', { token: tok.admin });
    expect(list.status).toBe(200);
    const first = list.body.data.rows.find((b: any) => b.branchId === branch1);
    expect(first).toMatchObject({ seats: 2, supervisors: 1, accounts: 4 });
    expect(list.body.data.rows.find((b: any) => b.branchId === branch2)).toMatchObject({ name: '三部', seats: 0, accounts: 0 });
    const renamed = await t.call('PUT', `/xd/admin/branches/${branch2}`, { token: tok.master, body: { name: 'Branch Three' } });
    expect(renamed.status).toBe(200);
    expect((await t.call('GET', '/xd/admin/branches?keyword=three&pageSize=10', { token: tok.master })).body.data.rows.map((b: any) => b.name)).toEqual(['Branch Three']);
  });

  it('refuses to delete a branch that still has users (409) and deletes an empty one', async () => {
    expect((await t.call('DELETE', `/xd/admin/branches/${branch1}`, { token: tok.master })).status).toBe(409);
    const empty = (await t.call('POST', '/xd/admin/branches', { token: tok.master, body: { name: 'temporary' } })).body.data.branchId;
    expect((await t.call('DELETE', `/xd/admin/branches/${empty}`, { token: tok.master })).status).toBe(200);
    expect((await t.call('DELETE', `/xd/admin/branches/${empty}`, { token: tok.master })).status).toBe(404);
  });

  it('keeps branches to master and admin', async () => {
    for (const who of ['branch1', 'super1', 'seat1']) {
      expect((await t.call('GET', '/xd/admin/branches?pageSize=5', { token: tok[who] })).status, who).toBe(403);
      expect((await t.call('POST', '/xd/admin/branches', { token: tok[who], body: { name: `x-${who}` } })).status, who).toBe(403);
    }
  });

  it('creates users with the branch rule of their role', async () => {
    const noBranch = await t.call('POST', '/xd/admin/users', { token: tok.master, body: { username: 'seat9', name: 'S9', password: 'password9', role: 'seat' } });
    expect(noBranch.status).toBe(400);
    expect(noBranch.body.msg).toMatch(/^branchId: /);
    const adminWithBranch = await t.call('POST', '/xd/admin/users', { token: tok.master, body: { username: 'admin9', name: 'A9', password: 'password9', role: 'admin', branchId: branch1 } });
    expect(adminWithBranch.status).toBe(400);
    expect(adminWithBranch.body.msg).toMatch(/^branchId: must be absent/);
    const badName = await t.call('POST', '/xd/admin/users', { token: tok.master, body: { username: 'a b', name: 'x', password: 'password9', role: 'seat', branchId: branch1 } });
    expect(badName.status).toBe(400);
    expect(badName.body.msg).toMatch(/username/);
    const short = await t.call('POST', '/xd/admin/users', { token: tok.master, body: { username: 'seat9', name: 'x', password: 'short', role: 'seat', branchId: branch1 } });
    expect(short.body.msg).toMatch(/password/);
    const taken = await t.call('POST', '/xd/admin/users', { token: tok.master, body: { username: 'seat1', name: 'x', password: 'password9', role: 'seat', branchId: branch1 } });
    expect(taken.status).toBe(409);
    const manager = await t.call('POST', '/xd/admin/users', { token: tok.master, body: { username: 'branch3', name: '分管三', password: 'branch3123', role: 'branch', branchId: branch2 } });
    expect(manager.status).toBe(200);
    tok.branch3 = await t.login('branch3');
    const listed = await t.call('GET', '/xd/admin/users?keyword=branch3&pageSize=5', { token: tok.admin });
    expect(listed.body.data.rows).toHaveLength(1);
    expect(listed.body.data.rows[0].lastLoginAt).toBeGreaterThan(0);
  });

  it("scopes a branch manager to its own branch's supervisors and seats", async () => {
    // Created in its own branch whatever it says.
    const seat = await t.call('POST', '/xd/admin/users', { token: tok.branch3, body: { username: 'seat21', name: '坐席二一', password: 'seat21123', role: 'seat' } });
    expect(seat.status).toBe(200);
    const list = await t.call('GET', '/xd/admin/users?pageSize=50', { token: tok.branch3 });
    expect(list.body.data.rows.map((u: any) => u.username)).toEqual(['seat21']);
    expect(list.body.data.rows[0]).toMatchObject({ branchId: branch2, role: 'seat', disabled: false, online: false });
    for (const role of ['admin', 'master', 'branch']) {
      const r = await t.call('POST', '/xd/admin/users', { token: tok.branch3, body: { username: `x${role}`, name: 'x', password: 'password9', role } });
      expect(r.status, role).toBe(403);
    }
    const elsewhere = await t.call('POST', '/xd/admin/users', { token: tok.branch3, body: { username: 'xseat', name: 'x', password: 'password9', role: 'seat', branchId: branch1 } });
    expect(elsewhere.status).toBe(403);
    const seat1 = await userId('seat1');
    expect((await t.call('PUT', `/xd/admin/users/${seat1}`, { token: tok.branch3, body: { name: 'mine now' } })).status).toBe(403);
    expect((await t.call('PUT', `/xd/admin/users/${seat1}/password`, { token: tok.branch3, body: { password: 'password9' } })).status).toBe(403);
    expect((await t.call('GET', `/xd/admin/users?branchId=${branch1}&pageSize=50`, { token: tok.branch3 })).body.data.rows).toEqual([]);
    // Its own seat it may change, but not into a branch manager.
    const seat21 = Number(seat.body.data.userId);
    expect((await t.call('PUT', `/xd/admin/users/${seat21}`, { token: tok.branch3, body: { role: 'supervisor' } })).status).toBe(200);
    expect((await t.call('PUT', `/xd/admin/users/${seat21}`, { token: tok.branch3, body: { role: 'branch' } })).status).toBe(403);
  });

  it('lets only a master touch master and admin users', async () => {
    const master = await userId('master');
    const admin = await userId('admin');
    expect((await t.call('PUT', `/xd/admin/users/${master}`, { token: tok.admin, body: { name: 'x' } })).status).toBe(403);
    expect((await t.call('PUT', `/xd/admin/users/${master}/password`, { token: tok.admin, body: { password: 'password9' } })).status).toBe(403);
    const newAdmin = await t.call('POST', '/xd/admin/users', { token: tok.admin, body: { username: 'admin2', name: 'x', password: 'password9', role: 'admin' } });
    expect(newAdmin.status).toBe(403);
    const promote = await t.call('PUT', `/xd/admin/users/${await userId('super1')}`, { token: tok.admin, body: { role: 'master' } });
    expect(promote.status).toBe(403);
    expect((await t.call('PUT', `/xd/admin/users/${admin}`, { token: tok.master, body: { name: '管理员甲' } })).status).toBe(200);
    const selfDisable = await t.call('PUT', `/xd/admin/users/${master}`, { token: tok.master, body: { disabled: true } });
    expect(selfDisable.status).toBe(400);
    expect(selfDisable.body.msg).toMatch(/^disabled: /);
  });

  it('refuses to move a seat that still has accounts (409)', async () => {
    const seat1 = await userId('seat1');
    const moved = await t.call('PUT', `/xd/admin/users/${seat1}`, { token: tok.master, body: { branchId: branch2 } });
    expect(moved.status).toBe(409);
    expect((await t.call('PUT', `/xd/admin/users/${seat1}`, { token: tok.master, body: { role: 'supervisor' } })).status).toBe(409);
  });

  it('disables a user: its tokens die, its login answers 403 account_disabled', async () => {
    const id = await userId('super1');
    expect((await t.call('PUT', `/xd/admin/users/${id}`, { token: tok.branch1, body: { disabled: true } })).status).toBe(200);
    expect((await t.call('GET', '/xd/auth/me', { token: tok.super1 })).status).toBe(401);
    const login = await t.call('POST', '/xd/auth/login', { body: { username: 'super1', password: 'super1123' } });
    expect(login.status).toBe(403);
    expect(login.body).toMatchObject({ code: 403, error: 'account_disabled', msg: 'account disabled' });
    // A wrong password still says only that.
    expect((await t.call('POST', '/xd/auth/login', { body: { username: 'super1', password: 'nope' } })).status).toBe(401);
    const listed = await t.call('GET', '/xd/admin/users?disabled=true&pageSize=50', { token: tok.admin });
    expect(listed.body.data.rows.map((u: any) => u.username)).toContain('super1');
    expect((await t.call('PUT', `/xd/admin/users/${id}`, { token: tok.branch1, body: { disabled: false } })).status).toBe(200);
    tok.super1 = await t.login('super1');
  });

  it('resets a password (revoking the tokens) and lets users change their own', async () => {
    const seat2 = await userId('seat2');
    const old = await t.login('seat2');
    expect((await t.call('PUT', `/xd/admin/users/${seat2}/password`, { token: tok.branch1, body: { password: 'new-secret-2' } })).status).toBe(200);
    expect((await t.call('GET', '/xd/auth/me', { token: old })).status).toBe(401);
    const mine = await t.login('seat2', 'new-secret-2');
    const other = await t.login('seat2', 'new-secret-2');
    const wrong = await t.call('POST', '/xd/auth/password', { token: mine, body: { oldPassword: 'nope', newPassword: 'another-secret' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.msg).toMatch(/^oldPassword: /);
    const changed = await t.call('POST', '/xd/auth/password', { token: mine, body: { oldPassword: 'new-secret-2', newPassword: 'seat2123' } });
    expect(changed.status).toBe(200);
    expect(changed.body.data.revokedTokens).toBe(1);
    expect((await t.call('GET', '/xd/auth/me', { token: mine })).status).toBe(200);
    expect((await t.call('GET', '/xd/auth/me', { token: other })).status).toBe(401);
    await t.login('seat2');
  });

  it('limits password change attempts per token', async () => {
    const token = await t.login('seat1');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.call('POST', '/xd/auth/password', { token, body: { oldPassword: `guess-${i}`, newPassword: 'whatever-1' } })).status);
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
  });

  it('records every write in the audit log, never a password, newest first', async () => {
    const rows = await auditRows();
    const actions = rows.map((r) => r.action);
    for (const a of ['branch.create', 'branch.update', 'branch.delete', 'user.create', 'user.update', 'user.password.reset', 'user.password.change']) expect(actions, a).toContain(a);
    // Refused writes left nothing: one user.create per created user.
    expect(actions.filter((a) => a === 'user.create')).toHaveLength(2);
    for (const r of rows) expect(r.detail).not.toMatch(/password|secret|scrypt/i);
    const page = await t.call('GET', '/xd/admin/audit?pageSize=3', { token: tok.admin });
    expect(page.status).toBe(200);
    expect(page.body.data.total).toBe(rows.length);
    const ids = page.body.data.rows.map((r: any) => Number(r.auditId));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const disable = (await t.call('GET', `/xd/admin/audit?action=user.update&actorId=${await userId('branch1')}&pageSize=10`, { token: tok.master })).body.data.rows;
    expect(disable.map((r: any) => r.detail)).toEqual([{ disabled: { before: true, after: false } }, { disabled: { before: false, after: true } }]);
    expect(disable[0]).toMatchObject({ actorName: '分管一', subject: `user:${await userId('super1')}`, ip: '127.0.0.1' });
    const renamed = rows.find((r) => r.action === 'branch.update')!;
    expect(JSON.parse(renamed.detail)).toEqual({ name: { before: '三部', after: 'Branch Three' } });
    expect((await t.call('GET', '/xd/admin/audit?from=2000-01-01&to=2000-01-02&pageSize=5', { token: tok.master })).body.data.total).toBe(0);
    expect((await t.call('GET', '/xd/admin/audit?from=2000-02-30&pageSize=5', { token: tok.master })).body.msg).toMatch(/^from: /);
    for (const who of ['branch1', 'seat1']) expect((await t.call('GET', '/xd/admin/audit?pageSize=5', { token: tok[who] })).status, who).toBe(403);
  });
});
