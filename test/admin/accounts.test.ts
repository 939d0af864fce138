// Account administration over REST: input rules, scopes, import, deletion, and which
// conversations a reassignment moves.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, activity, auditLog, conversations } from '../../src/db/schema.js';
import { findOwnedTarget, userId } from '../helpers/demo.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('administration: accounts', () => {
  let t: TestHub;
  const tok: Record<string, string> = {};
  let branch1: string;
  let south: string;
  const db = () => t.hub.database.db;
  const rowCounts = () => [accounts, auditLog, activity].map((table) => db().select({ n: count() }).from(table).get()!.n);
  const branchOf = (username: string) => String((t.hub.database.sqlite.prepare('SELECT branch_id AS b FROM users WHERE username = ?').get(username) as { b: number }).b);

  beforeAll(async () => {
    t = await startHub();
    for (const u of ['master', 'admin', 'branch1', 'south', 'seat1', 'seat2']) tok[u] = await t.login(u);
    branch1 = branchOf('branch1');
    south = branchOf('south');
  });
  afterAll(() => t?.close());

  it('refuses bad input with 400 naming the field and writes nothing', async () => {
    const before = rowCounts();
    const seat1 = String(userId(db(), 'seat1'));
    const cases: [unknown, RegExp][] = [
      [{ phone: '13800000001', branchId: branch1 }, /^body\.phone: /],
      [{ phone: '+0123456789', branchId: branch1 }, /^body\.phone: /],
      [{ phone: '+8613911110000' }, /^body\.branchId: is required/],
      [{ phone: '+8613911110000', branchId: 'x' }, /^body\.branchId: /],
      [{ phone: '+8613911110000', branchId: '999' }, /^branchId: no such branch/],
      [{ phone: '+8613911110000', branchId: south, seatId: seat1 }, /^seatId: must be a seat of branch/],
      [{ phone: '+8613911110000', branchId: branch1, seatId: String(userId(db(), 'super1')) }, /^seatId: no such seat/],
      [{ phone: '+8613911110000', branchId: south, seatId: String(userId(db(), 'retired')) }, /^seatId: that seat is disabled/],
      [{ phone: '+8613911110000', branchId: branch1, platform: 'icq' }, /^body\.platform: /],
    ];
    for (const [body, msg] of cases) {
      const answer = await t.call('POST', '/xd/admin/accounts', { token: tok.master, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.msg, JSON.stringify(body)).toMatch(msg);
    }
    const taken = await t.call('POST', '/xd/admin/accounts', { token: tok.master, body: { phone: '+8613800000001', branchId: branch1 } });
    expect(taken.status).toBe(409);
    const id = String(db().select().from(accounts).where(eq(accounts.phone, '+8613800000002')).get()!.id);
    for (const [body, msg] of [
      [{ proxyId: '999' }, /^proxyId: no such proxy/],
      [{ seatId: String(userId(db(), 'master')) }, /^seatId: no such seat/],
      [{ branchId: south }, /^seatId: the current seat is not in the new branch/],
      [{ bridgeSession: 'has space' }, /^body\.bridgeSession: /],
      [{ disabled: 'yes' }, /^body\.disabled: /],
    ] as [unknown, RegExp][]) {
      const answer = await t.call('PUT', `/xd/admin/accounts/${id}`, { token: tok.master, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.msg, JSON.stringify(body)).toMatch(msg);
    }
    expect(rowCounts()).toEqual(before);
  });

  it('keeps a branch manager to its own branch', async () => {
    const mine = await t.call('GET', '/xd/admin/accounts?pageSize=50', { token: tok.south });
    expect(mine.body.data.rows.map((a: any) => a.phone)).toEqual(['+8613800000010']);
    expect(mine.body.data.rows[0]).toMatchObject({ seatId: null, seatName: null, branchId: south, disabled: false });
    const other = db().select().from(accounts).where(eq(accounts.phone, '+8613800000001')).get()!;
    expect((await t.call('PUT', `/xd/admin/accounts/${other.id}`, { token: tok.south, body: { disabled: true } })).status).toBe(403);
    expect((await t.call('DELETE', `/xd/admin/accounts/${other.id}`, { token: tok.south })).status).toBe(403);
    expect((await t.call('POST', '/xd/admin/accounts', { token: tok.south, body: { phone: '+8613911110001', branchId: branch1 } })).status).toBe(403);
    const unassigned = db().select().from(accounts).where(eq(accounts.phone, '+8613800000010')).get()!;
    expect((await t.call('PUT', `/xd/admin/accounts/${unassigned.id}`, { token: tok.south, body: { branchId: branch1 } })).status).toBe(403);
    expect((await t.call('PUT', `/xd/admin/accounts/${unassigned.id}`, { token: tok.south, body: { seatId: String(userId(db(), 'seat1')) } })).status).toBe(400);
    const session = await t.call('PUT', `/xd/admin/accounts/${unassigned.id}`, { token: tok.south, body: { bridgeSession: 'south-10' } });
    expect(session.status).toBe(200);
    // Another account's session (or its phone's digits, the default session name) is taken.
    for (const taken of ['south-10', '8613800000003']) {
      const clash = await t.call('PUT', `/xd/admin/accounts/${other.id}`, { token: tok.master, body: { bridgeSession: taken } });
      expect(clash.status, taken).toBe(409);
      expect(clash.body.msg, taken).toMatch(/^bridgeSession: /);
    }
    expect(db().select().from(accounts).where(eq(accounts.id, unassigned.id)).get()!.bridgeSession).toBe('south-10');
    const all = await t.call('GET', '/xd/admin/accounts?unassigned=true&pageSize=50', { token: tok.admin });
    expect(all.body.data.rows.map((a: any) => a.phone)).toEqual(['+8613800000010']);
    expect((await t.call('GET', `/xd/admin/accounts?seatId=${userId(db(), 'seat1')}&keyword=0000&pageSize=50`, { token: tok.admin })).body.data.total).toBe(2);
  });

  it('imports good rows and reports the bad ones', async () => {
    const before = db().select({ n: count() }).from(accounts).get()!.n;
    const seat2 = String(userId(db(), 'seat2'));
    // Importing is the organisation's (admin, master): a branch manager is refused by permission.
    const refused = await t.call('POST', '/xd/admin/accounts/import', { token: tok.branch1, body: { accounts: [{ phone: '+8613922220009', branchId: branch1 }] } });
    expect(refused.body).toMatchObject({ code: 403, error: 'permission_denied' });
    expect(db().select({ n: count() }).from(accounts).get()!.n).toBe(before);
    const answer = await t.call('POST', '/xd/admin/accounts/import', {
      token: tok.admin,
      body: {
        accounts: [
          { phone: '+8613922220001', branchId: branch1 },
          { phone: '+8613922220002', branchId: branch1, seatId: seat2, platform: 'telegram' },
          { phone: 'not-a-phone', branchId: branch1 },
          { phone: '+8613922220001', branchId: branch1 },
          { phone: '+8613922220003', branchId: south },
          { phone: '+8613922220004' },
          { phone: 42, branchId: branch1 },
        ],
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.data.created).toBe(3);
    expect(answer.body.data.skipped.map((s: any) => [s.row, s.phone, s.reason.split(':')[0]])).toEqual([
      [2, 'not-a-phone', 'phone'],
      [3, '+8613922220001', 'phone'],
      [5, '+8613922220004', 'branchId'],
      [6, '42', 'phone'],
    ]);
    expect(db().select({ n: count() }).from(accounts).get()!.n).toBe(before + 3);
    const imported = db().select().from(accounts).where(eq(accounts.phone, '+8613922220002')).get()!;
    expect(imported).toMatchObject({ platform: 'telegram', seatId: Number(seat2), branchId: Number(branch1) });
    const empty = await t.call('POST', '/xd/admin/accounts/import', { token: tok.master, body: { accounts: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.msg).toMatch(/^body\.accounts: /);
  });

  it('deletes only an account without conversations', async () => {
    const fresh = db().select().from(accounts).where(eq(accounts.phone, '+8613922220001')).get()!;
    expect((await t.call('DELETE', `/xd/admin/accounts/${fresh.id}`, { token: tok.admin })).status).toBe(200);
    const busy = db().select().from(accounts).where(eq(accounts.phone, '+8613800000001')).get()!;
    const refused = await t.call('DELETE', `/xd/admin/accounts/${busy.id}`, { token: tok.admin });
    expect(refused.status).toBe(409);
    expect(refused.body.msg).toMatch(/disable it instead/);
  });

  it("moves the old seat's conversations only: a target transferred away stays", async () => {
    const seat1 = userId(db(), 'seat1');
    const seat2 = userId(db(), 'seat2');
    const kept = findOwnedTarget(db(), seat1, 'Maria Silva');
    const moving = findOwnedTarget(db(), seat1, '曾林');
    expect((await t.call('POST', '/xd/client/transfer', { token: tok.seat1, body: { receId: String(kept.targetId), toCustServId: String(seat2) } })).status).toBe(200);
    const fresh = await t.call('POST', '/xd/admin/users', { token: tok.branch1, body: { username: 'seat7', name: '坐席七', password: 'seat7-secret', role: 'seat' } });
    const seat7 = Number(fresh.body.data.userId);
    const moved = await t.call('PUT', `/xd/admin/accounts/${moving.accountId}`, { token: tok.branch1, body: { seatId: String(seat7) } });
    expect(moved.status).toBe(200);
    const owner = (targetId: number) => db().select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, targetId)).get()!.seatId;
    expect(owner(moving.targetId)).toBe(seat7);
    expect(owner(kept.targetId)).toBe(seat2);
    // Unassigning leaves the conversations with nobody; assigning again gives them to the new seat.
    expect((await t.call('PUT', `/xd/admin/accounts/${moving.accountId}`, { token: tok.branch1, body: { seatId: null } })).status).toBe(200);
    expect(owner(moving.targetId)).toBe(null);
    expect((await t.call('PUT', `/xd/admin/accounts/${moving.accountId}`, { token: tok.branch1, body: { seatId: String(seat1) } })).status).toBe(200);
    expect(owner(moving.targetId)).toBe(seat1);
    expect(owner(kept.targetId)).toBe(seat2);
    const audit = db().select().from(auditLog).where(eq(auditLog.subject, `account:${moving.accountId}`)).all();
    expect(audit.map((r) => JSON.parse(r.detail))).toEqual([
      { seatId: { before: seat1, after: seat7 }, movedConversations: 1 },
      { seatId: { before: seat7, after: null }, movedConversations: 1 },
      { seatId: { before: null, after: seat1 }, movedConversations: 1 },
    ]);
    expect(audit.every((r) => r.actorId === userId(db(), 'branch1'))).toBe(true);
  });
});
