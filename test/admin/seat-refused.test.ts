// A seat (and a supervisor) gets 403 on every /xd/admin operation the OpenAPI document lists,
// whatever the body, and changes nothing.
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('/xd/admin refuses seats and supervisors', () => {
  let t: TestHub;
  let operations: { method: string; path: string }[];

  beforeAll(async () => {
    t = await startHub();
    const doc = (await t.call('GET', '/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/xd/admin/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
  });
  afterAll(() => t?.close());

  it('answers 403 to every admin operation', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(9);
    const { db, tables: { accounts, auditLog, branches, users } } = t.hub.store;
    const rows = async () => Promise.all([users, branches, accounts, auditLog].map(async (table) => (await db.select({ n: count() }).from(table))[0]!.n));
    const before = await rows();
    for (const who of ['seat1', 'super1']) {
      const token = await t.login(who);
      for (const { method, path } of operations) {
        const url = path.replace(/\{[^}]+\}/g, '1');
        // A body that would be valid for most writes, so only the role stops it.
        const body = method === 'GET' || method === 'DELETE' ? undefined : { name: 'x', username: 'valid_name', password: 'password9', role: 'seat', branchId: '1', phone: '+8613900000001', accounts: [{ phone: '+8613900000002', branchId: '1' }], disabled: true };
        const answer = await t.call(method, url, { token, body });
        expect(answer.status, `${who} ${method} ${url}`).toBe(403);
        expect(['forbidden', 'permission_denied'], `${who} ${method} ${url}`).toContain(answer.body.error);
      }
    }
    expect(await rows()).toEqual(before);
  });
});
