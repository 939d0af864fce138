// Generated bodies against every administrative write in the OpenAPI document, by a master and
// a branch manager: never a 5xx; a 400 names its field; a refused write changes nothing; a
// write that changed something left exactly one audit row.
import { count } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditLog, branches, conversations, tokens, users } from '../../src/db/schema.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { idPool, requestFor, type Operation } from '../sweep/garbage.js';

const RUNS = Number(process.env.SWEEP_RUNS ?? 100);

describe('administrative writes under generated input', () => {
  let t: TestHub;
  let operations: Operation[];
  const tok: Record<string, string> = {};
  let callerPaths: RegExp;

  // What the admin routes may write, as counts and a digest of the rows' contents.
  const state = () => {
    const db = t.hub.database.db;
    const sqlite = t.hub.database.sqlite;
    const digest = (table: string) => (sqlite.prepare(`SELECT group_concat(x, '|') AS d FROM (SELECT quote(${table === 'users' ? 'id||name||role||coalesce(branch_id,0)||disabled||password_hash' : table === 'accounts' ? 'id||coalesce(seat_id,0)||coalesce(branch_id,0)||coalesce(proxy_id,0)||disabled||coalesce(bridge_session,0)' : table === 'branches' ? 'id||name' : 'target_id||coalesce(seat_id,0)'}) AS x FROM ${table} ORDER BY 1)`).get() as { d: string | null }).d ?? '';
    return {
      rows: [users, branches, accounts, conversations].map((table) => db.select({ n: count() }).from(table).get()!.n).join(','),
      content: ['users', 'accounts', 'branches', 'conversations'].map(digest).join('#'),
      audit: db.select({ n: count() }).from(auditLog).get()!.n,
      tokens: db.select({ n: count() }).from(tokens).get()!.n,
    };
  };

  beforeAll(async () => {
    t = await startHub();
    for (const u of ['master', 'branch1']) tok[u] = await t.login(u);
    const db = t.hub.database.db;
    const callerIds = db.select({ id: users.id, username: users.username }).from(users).all().filter((u) => u.username === 'master' || u.username === 'branch1').map((u) => u.id);
    callerPaths = new RegExp(`^/xd/admin/users/(${callerIds.join('|')})(/password)?(\\?|$)`);
    const ids = [users, branches, accounts].flatMap((table) => db.select({ id: table.id }).from(table).all().map((r) => String(r.id)));
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
      for (const operation of operations) {
        const requests = requestFor(operation).filter((r) => !callerPaths.test(r.url));
        await fc.assert(
          fc.asyncProperty(requests, async (request) => {
            const before = state();
            const response = await t.hub.app.inject({ method: request.method as 'POST', url: request.url, headers: { ...request.headers, token: tok[who]! }, ...(request.payload === undefined ? {} : { payload: request.payload }) });
            const after = state();
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
      // Both sides of the property were exercised.
      expect(outcomes.refused).toBeGreaterThan(0);
      expect(outcomes.changed).toBeGreaterThan(0);
    });
  }
});
