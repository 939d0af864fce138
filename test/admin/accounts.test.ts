// Account administration over REST: input rules, scopes, import, deletion, and which
// conversations a reassignment moves.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';
import { targetOwnedBy, userIdIn } from '../messages/fixtures.js';
import { closedPort } from '../proxies/fake-proxies.js';

describe('administration: accounts', () => {
  let t: TestHub;
  const tok: Record<string, string> = {};
  let branch1: string;
  let south: string;
  const db = () => t.hub.store.db;
  const tables = () => t.hub.store.tables;
  const rowCounts = async () => Promise.all([tables().accounts, tables().auditLog, tables().activity].map(async (table) => (await db().select({ n: count() }).from(table))[0]!.n));
  const countAccounts = async () => (await db().select({ n: count() }).from(tables().accounts))[0]!.n;
  const accountByPhone = async (phone: string) => (await db().select().from(tables().accounts).where(eq(tables().accounts.phone, phone)))[0]!;
  const userId = (username: string) => userIdIn(t.hub.store, username);
  const branchOf = async (username: string) => {
    const { users } = tables();
    return String((await db().select({ b: users.branchId }).from(users).where(eq(users.username, username)))[0]!.b);
  };

  beforeAll(async () => {
    // A check target lets "check now" run; a proxy on a closed loopback port is refused before any dial out.
    t = await startHub({ env: { PROXY_CHECK_TARGET: '127.0.0.1:443' } });
    for (const u of ['master', 'admin', 'branch1', 'south', 'seat1', 'seat2']) tok[u] = await t.login(u);
    branch1 = await branchOf('branch1');
    south = await branchOf('south');
  });
  afterAll(() => t?.close());

  it('refuses bad input with 400 naming the field and writes nothing', async () => {
    const before = await rowCounts();
    const seat1 = String(await userId('seat1'));
    const cases: [unknown, RegExp][] = [
      [{ phone: '13800000001', branchId: branch1 }, /^body\.phone: /],
      [{ phone: '+0123456789', branchId: branch1 }, /^body\.phone: /],
      [{ phone: '+8613911110000' }, /^body\.branchId: is required/],
      [{ phone: '+8613911110000', branchId: 'x' }, /^body\.branchId: /],
      [{ phone: '+8613911110000', branchId: '999' }, /^branchId: no such branch/],
      [{ phone: '+8613911110000', branchId: south, seatId: seat1 }, /^seatId: must be a seat of branch/],
      [{ phone: '+8613911110000', branchId: branch1, seatId: String(await userId('super1')) }, /^seatId: no such seat/],
      [{ phone: '+8613911110000', branchId: south, seatId: String(await userId('retired')) }, /^seatId: that seat is disabled/],
      [{ phone: '+8613911110000', branchId: branch1, platform: 'icq' }, /^body\.platform: /],
    ];
    for (const [body, msg] of cases) {
      const answer = await t.call('POST', '/xd/admin/accounts', { token: tok.master, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.msg, JSON.stringify(body)).toMatch(msg);
    }
    const taken = await t.call('POST', '/xd/admin/accounts', { token: tok.master, body: { phone: '+8613800000001', branchId: branch1 } });
    expect(taken.status).toBe(409);
    const id = String((await accountByPhone('+8613800000002')).id);
    for (const [body, msg] of [
      [{ proxyId: '999' }, /^proxyId: no such proxy/],
      [{ seatId: String(await userId('master')) }, /^seatId: no such seat/],
      [{ branchId: south }, /^seatId: the current seat is not in the new branch/],
      [{ bridgeSession: 'has space' }, /^body\.bridgeSession: /],
      [{ disabled: 'yes' }, /^body\.disabled: /],
    ] as [unknown, RegExp][]) {
      const answer = await t.call('PUT', `/xd/admin/accounts/${id}`, { token: tok.master, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.msg, JSON.stringify(body)).toMatch(msg);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it('keeps a branch manager to its own branch', async () => {
    const mine = await t.call('GET', '/xd/admin/accounts?pageSize=50', { token: tok.south });
    expect(mine.body.data.rows.map((a: any) => a.phone)).toEqual(['+8613800000010']);
    expect(mine.body.data.rows[0]).toMatchObject({ seatId: null, seatName: null, branchId: south, disabled: false });
    const other = (await accountByPhone('+8613800000001'));
    expect((await t.call('PUT', `/xd/admin/accounts/${other.id}`, { token: tok.south, body: { disabled: true } })).status).toBe(403);
    expect((await t.call('DELETE', `/xd/admin/accounts/${other.id}`, { token: tok.south })).status).toBe(403);
    expect((await t.call('POST', '/xd/admin/accounts', { token: tok.south, body: { phone: '+8613911110001', branchId: branch1 } })).status).toBe(403);
    const unassigned = (await accountByPhone('+8613800000010'));
    expect((await t.call('PUT', `/xd/admin/accounts/${unassigned.id}`, { token: tok.south, body: { branchId: branch1 } })).status).toBe(403);
    expect((await t.call('PUT', `/xd/admin/accounts/${unassigned.id}`, { token: tok.south, body: { seatId: String(await userId('seat1')) } })).status).toBe(400);
    const session = await t.call('PUT', `/xd/admin/accounts/${unassigned.id}`, { token: tok.south, body: { bridgeSession: 'south-10' } });
    expect(session.status).toBe(200);
    // Another account's session (or its phone's digits, the default session name) is taken.
    for (const taken of ['south-10', '8613800000003']) {
      const clash = await t.call('PUT', `/xd/admin/accounts/${other.id}`, { token: tok.master, body: { bridgeSession: taken } });
      expect(clash.status, taken).toBe(409);
      expect(clash.body.msg, taken).toMatch(/^bridgeSession: /);
    }
    expect((await db().select().from(tables().accounts).where(eq(tables().accounts.id, unassigned.id)))[0]!.bridgeSession).toBe('south-10');
    const all = await t.call('GET', '/xd/admin/accounts?unassigned=true&pageSize=50', { token: tok.admin });
    expect(all.body.data.rows.map((a: any) => a.phone)).toEqual(['+8613800000010']);
    expect((await t.call('GET', `/xd/admin/accounts?seatId=${await userId('seat1')}&keyword=0000&pageSize=50`, { token: tok.admin })).body.data.total).toBe(2);
  });

  it('imports good rows and reports the bad ones', async () => {
    const before = (await countAccounts());
    const seat2 = String(await userId('seat2'));
    // Importing is the organisation's (admin, master): a branch manager is refused by permission.
    const refused = await t.call('POST', '/xd/admin/accounts/import', { token: tok.branch1, body: { accounts: [{ phone: '+8613922220009', branchId: branch1 }] } });
    expect(refused.body).toMatchObject({ code: 403, error: 'permission_denied' });
    expect((await countAccounts())).toBe(before);
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
    expect((await countAccounts())).toBe(before + 3);
    const imported = (await accountByPhone('+8613922220002'));
    expect(imported).toMatchObject({ platform: 'telegram', seatId: Number(seat2), branchId: Number(branch1) });
    const empty = await t.call('POST', '/xd/admin/accounts/import', { token: tok.master, body: { accounts: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.msg).toMatch(/^body\.accounts: /);
  });

  it('deletes only an account without conversations', async () => {
    const fresh = (await accountByPhone('+8613922220001'));
    expect((await t.call('DELETE', `/xd/admin/accounts/${fresh.id}`, { token: tok.admin })).status).toBe(200);
    const busy = (await accountByPhone('+8613800000001'));
    const refused = await t.call('DELETE', `/xd/admin/accounts/${busy.id}`, { token: tok.admin });
    expect(refused.status).toBe(409);
    expect(refused.body.msg).toMatch(/disable it instead/);
  });

  it("moves the old seat's conversations only: a target transferred away stays", async () => {
    const seat1 = await userId('seat1');
    const seat2 = await userId('seat2');
    const kept = await targetOwnedBy(t.hub.store, seat1, 'Maria Silva');
    const moving = await targetOwnedBy(t.hub.store, seat1, '曾林');
    expect((await t.call('POST', '/xd/client/transfer', { token: tok.seat1, body: { receId: String(kept.targetId), toCustServId: String(seat2) } })).status).toBe(200);
    const fresh = await t.call('POST', '/xd/admin/users', { token: tok.branch1, body: { username: 'seat7', name: '坐席七', password: 'seat7-secret', role: 'seat' } });
    const seat7 = Number(fresh.body.data.userId);
    const moved = await t.call('PUT', `/xd/admin/accounts/${moving.accountId}`, { token: tok.branch1, body: { seatId: String(seat7) } });
    expect(moved.status).toBe(200);
    const { auditLog, conversations } = tables();
    const owner = async (targetId: number) => (await db().select({ seatId: conversations.seatId }).from(conversations).where(eq(conversations.targetId, targetId)))[0]!.seatId;
    expect(await owner(moving.targetId)).toBe(seat7);
    expect(await owner(kept.targetId)).toBe(seat2);
    // Unassigning leaves the conversations with nobody; assigning again gives them to the new seat.
    expect((await t.call('PUT', `/xd/admin/accounts/${moving.accountId}`, { token: tok.branch1, body: { seatId: null } })).status).toBe(200);
    expect(await owner(moving.targetId)).toBe(null);
    expect((await t.call('PUT', `/xd/admin/accounts/${moving.accountId}`, { token: tok.branch1, body: { seatId: String(seat1) } })).status).toBe(200);
    expect(await owner(moving.targetId)).toBe(seat1);
    expect(await owner(kept.targetId)).toBe(seat2);
    const audit = await db().select().from(auditLog).where(eq(auditLog.subject, `account:${moving.accountId}`)).orderBy(auditLog.id);
    expect(audit.map((r) => JSON.parse(r.detail))).toEqual([
      { seatId: { before: seat1, after: seat7 }, movedConversations: 1 },
      { seatId: { before: seat7, after: null }, movedConversations: 1 },
      { seatId: { before: null, after: seat1 }, movedConversations: 1 },
    ]);
    const branch1Id = await userId('branch1');
    expect(audit.every((r) => r.actorId === branch1Id)).toBe(true);
  });

  it("answers each account's proxy status as the pool's checks stored it, null without a proxy", async () => {
    const account = async (phone: string) => (await t.call('POST', '/xd/admin/accounts', { token: tok.admin, body: { phone, branchId: branch1 } })).body.data.accountId as string;
    const proxy = async (body: Record<string, unknown>) => (await t.call('POST', '/xd/admin/proxies', { token: tok.admin, body: { protocol: 'http', ...body } })).body.data.proxyId as string;
    const down = await proxy({ host: '127.0.0.1', port: await closedPort() });
    // Past its expiresAt: a check marks it expired without dialling it.
    const expired = await proxy({ host: '192.0.2.10', port: 1080, expiresAt: 1 });
    const unchecked = await proxy({ host: '192.0.2.11', port: 1080 });
    for (const [phone, proxyId] of [['+8613944440001', down], ['+8613944440002', expired], ['+8613944440003', unchecked]] as const) {
      expect((await t.call('PUT', `/xd/admin/accounts/${await account(phone)}`, { token: tok.admin, body: { proxyId } })).status, phone).toBe(200);
    }
    await account('+8613944440004');
    expect((await t.call('POST', `/xd/admin/proxies/${down}/check`, { token: tok.admin })).body.data.status).toBe('down');
    expect((await t.call('POST', `/xd/admin/proxies/${expired}/check`, { token: tok.admin })).body.data.status).toBe('expired');

    const statuses = async (token: string | undefined) => {
      const answer = await t.call('GET', '/xd/admin/accounts?keyword=86139444400&pageSize=50', { token });
      expect(answer.status).toBe(200);
      return Object.fromEntries(answer.body.data.rows.map((a: any) => [a.phone, [a.proxyId, a.proxyStatus]]));
    };
    const expected = {
      '+8613944440001': [down, 'down'],
      '+8613944440002': [expired, 'expired'],
      '+8613944440003': [unchecked, 'unknown'],
      '+8613944440004': [null, null],
    };
    expect(await statuses(tok.admin)).toEqual(expected);
    // The branch manager's scoped list answers the same rows.
    expect(await statuses(tok.branch1)).toEqual(expected);
  });
});
