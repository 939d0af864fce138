// Generated bodies against every administrative write in the OpenAPI document, by a master and
// a branch manager: never a 5xx; a 400 names its field; a refused write changes nothing; a
// write that changed something left exactly one audit row.
import { asc, count } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';
import { idPool, requestFor, type Operation } from '../sweep/garbage.js';

const RUNS = Number(process.env.SWEEP_RUNS ?? 100);

describe('administrative writes under generated input', () => {
  let t: TestHub;
  let operations: Operation[];
  const tok: Record<string, string> = {};
  let callerPaths: RegExp;

  // What the admin routes may write, as counts and a digest of the rows' contents.
  const state = async () => {
    const { db, tables } = t.hub.store;
    const { accounts, auditLog, branches, conversations, tokens, users } = tables;
    const n = async (table: typeof users | typeof branches | typeof accounts | typeof conversations | typeof auditLog | typeof tokens) => (await db.select({ n: count() }).from(table))[0]!.n;
    const content = await Promise.all([
      db.select({ id: users.id, name: users.name, role: users.role, branchId: users.branchId, disabled: users.disabled, passwordHash: users.passwordHash }).from(users).orderBy(asc(users.id)),
      db.select({ id: accounts.id, seatId: accounts.seatId, branchId: accounts.branchId, proxyId: accounts.proxyId, disabled: accounts.disabled, bridgeSession: accounts.bridgeSession }).from(accounts).orderBy(asc(accounts.id)),
      db.select({ id: branches.id, name: branches.name }).from(branches).orderBy(asc(branches.id)),
      db.select({ targetId: conversations.targetId, seatId: conversations.seatId }).from(conversations).orderBy(asc(conversations.targetId)),
    ]);
    return {
      rows: (await Promise.all([users, branches, accounts, conversations].map(n))).join(','),
      content: JSON.stringify(content),
      audit: await n(auditLog),
      tokens: await n(tokens),
    };
  };

  beforeAll(async () => {
    t = await startHub();
    for (const u of ['master', 'branch1']) tok[u] = await t.login(u);
    const { db, tables } = t.hub.store;
    const { accounts, branches, users } = tables;
    const callerIds = (await db.select({ id: users.id, username: users.username }).from(users)).filter((u) => u.username === 'master' || u.username === 'branch1').map((u) => u.id);
    callerPaths = new RegExp(`^/xd/admin/users/(${callerIds.join('|')})(/password)?(\\?|$)`);
    const ids = (await Promise.all([users, branches, accounts].map((table) => db.select({ id: table.id }).from(table)))).flat().map((r) => String(r.id));
    idPool.splice(0, idPool.length, ...new Set(ids));
    const doc = (await t.call('GET', '/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/xd/admin/') && /^\/xd\/admin\/(branches|users|accounts)/.test(path))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op: op as Operation['op'] })))
      .filter((o) => o.method !== 'GET');
  });
  afterAll(() => t?.close());

  for (const who of ['master', 'branch1']) {
    it(`holds for ${who}`, async () => {
      expect(operations.length).toBeGreaterThanOrEqual(10);
      const outcomes = { refused: 0, changed: 0 };
      // A branch manager's generated requests seldom make a write it is allowed (one or two a
      // round): further rounds until one has, so that the change side below is not left to chance.
      for (let round = 0; round < 5 && (round === 0 || outcomes.changed === 0); round++) {
        for (const operation of operations) {
          const requests = requestFor(operation).filter((r) => !callerPaths.test(r.url));
          await fc.assert(
            fc.asyncProperty(requests, async (request) => {
              const before = await state();
              const response = await t.hub.app.inject({ method: request.method as 'POST', url: request.url, headers: { ...request.headers, token: tok[who]! }, ...(request.payload === undefined ? {} : { payload: request.payload }) });
              const after = await state();
              const what = `${who} ${request.method} ${request.url} ${request.payload?.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`;
              expect(response.statusCode, what).toBeLessThan(500);
              const body = response.json() as { code: number; msg: string };
              expect(body.code, what).toBe(response.statusCode);
              if (response.statusCode === 400) expect(body.msg, what).toMatch(/^[A-Za-z][\w.[\]-]*: \S/);
              if (response.statusCode >= 400) {
                outcomes.refused += 1;
                expect(after, what).toEqual(before);
              } else if (after.rows !== before.rows || after.content !== before.content) {
                outcomes.changed += 1;
                expect(after.audit, what).toBe(before.audit + 1);
              }
            }),
            { numRuns: RUNS },
          );
        }
      }
      // Both sides of the property were exercised.
      expect(outcomes.refused).toBeGreaterThan(0);
      expect(outcomes.changed).toBeGreaterThan(0);
    }, 60_000);
  }
});
