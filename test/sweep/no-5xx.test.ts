// Every /xd operation in the OpenAPI document, fed generated garbage by every kind of caller:
// the answer is always a 4xx (or 2xx) envelope whose code matches the status, never a 5xx or a
// stack trace, and the hub keeps serving with an intact database.
import { count, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback, signedHeaders } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, emitWithAck } from '../helpers/sockets.js';
import { badToken, idPool, requestFor, type Operation, type SweepRequest } from './garbage.js';

const ROLES = ['seat1', 'super1', 'branch1', 'master'] as const;
// SWEEP_RUNS raises the count for a deeper run by hand.
const RUNS = Number(process.env.SWEEP_RUNS ?? 30);
// Bridge routes that verify a Standard Webhooks signature instead of a token.
const SIGNED = new Set(['/xd/protocol/messageCallback', '/xd/protocol/messageStatus', '/xd/protocol/phoneStatus', '/xd/protocol/physicalIp', '/xd/protocol/accounts']);

/** Requests that once answered 5xx (or leaked internals), kept as regressions. */
const REGRESSIONS: { role: (typeof ROLES)[number] | null; request: SweepRequest }[] = [
  // A broken percent-escape in the path was answered by the router with Fastify's own body.
  { role: null, request: { method: 'DELETE', url: '/xd/client/seatTags/%', payload: '0', headers: { 'content-type': 'application/json' } } },
  { role: 'seat1', request: { method: 'GET', url: '/xd/media/%E0%A4%A', headers: {} } },
];

describe('no 5xx anywhere', () => {
  let t: TestHub;
  let operations: Operation[];
  const tokens: Record<string, string> = {};

  // Through the hub's own store, so the sweep reads the same on either engine.
  const storedRows = async () => {
    const { db, tables } = t.hub.store;
    const counts: number[] = [];
    for (const table of [tables.messages, tables.activity]) counts.push((await db.select({ n: count() }).from(table))[0]!.n);
    return counts;
  };

  async function send(request: SweepRequest, token: string | undefined, signed = false): Promise<number> {
    const headers: Record<string, string> = { ...request.headers };
    if (token) headers.token = token;
    if (signed) Object.assign(headers, signedHeaders(request.payload ?? ''), request.headers);
    const response = await t.hub.app.inject({ method: request.method as 'GET', url: request.url, headers, ...(request.payload === undefined ? {} : { payload: request.payload }) });
    const what = `${request.method} ${request.url} ${token ? 'with token' : 'without token'}${signed ? ' signed' : ''} → ${response.statusCode} ${response.body.slice(0, 300)}`;
    // 503 is the contract's answer for a dependency that is down (no translator is configured
    // here); every other 5xx is a bug.
    if (response.statusCode === 503) expect(response.json().msg, what).toMatch(/^(translator|bridge|proxy check|proxy provider \w+) unavailable/);
    else expect(response.statusCode, what).toBeLessThan(500);
    const isJson = String(response.headers['content-type'] ?? '').includes('application/json');
    // A served media file is the one non-envelope answer.
    if (response.statusCode >= 400 || isJson) {
      const body = response.json() as { code?: unknown; msg?: unknown };
      expect(body.code, what).toBe(response.statusCode);
      expect(typeof body.msg, what).toBe('string');
    }
    // Internals would leak through a failure answer; a success answer may echo text that an
    // earlier garbage request stored (a quick reply titled "Error: …" is just text).
    if (response.statusCode >= 400) {
      const sent = `${request.url} ${request.payload ?? ''}`;
      expect(/\bat \S*[/\\]\S+\.(?:ts|js|mjs|cjs):\d+/.test(response.body), what).toBe(false);
      if (!sent.includes('Error:')) expect(response.body.includes('Error:'), what).toBe(false);
    }
    return response.statusCode;
  }

  /**
   * The callers' own ids are kept out of the user-administration paths: a garbage body that
   * happens to be valid would disable a caller or reset its password, and the rest of the sweep
   * would only see 401s. Every other user is fair game.
   */
  let callerPaths: RegExp;
  const forOperation = (operation: Operation) =>
    operation.path.startsWith('/xd/admin/users/') ? requestFor(operation).filter((r) => !callerPaths.test(r.url)) : requestFor(operation);

  beforeAll(async () => {
    // Every garbage login comes from one address; the sweep is about answers, not login limits.
    t = await startHub({ listen: true, env: { LOGIN_MAX_FAILURES_PER_ADDRESS: '100000', LOGIN_MAX_FAILURES_PER_USER: '10000' } });
    for (const role of ROLES) tokens[role] = await t.login(role);
    const { db, tables } = t.hub.store;
    const { accounts, contents, messages, seatTags, targets, users } = tables;
    const callerIds = (await db.select({ id: users.id, username: users.username }).from(users)).filter((u) => (ROLES as readonly string[]).includes(u.username)).map((u) => u.id);
    callerPaths = new RegExp(`^/xd/admin/users/(${callerIds.join('|')})(/password)?(\\?|$)`);
    // Real rows behind the ids the generators pick: messages, a tag and a quick reply per scope.
    for (const phone of ['+8613800000001', '+8613800000003']) expect((await postCallback(t, 'messageCallback', inboundMessage({ phone }))).status).toBe(200);
    expect((await t.call('POST', '/xd/client/seatTags', { token: tokens.seat1, body: { name: 'vip' } })).status).toBe(200);
    expect((await t.call('POST', '/xd/client/content', { token: tokens.seat1, body: { title: 'hi', body: 'hello', scope: 'seat' } })).status).toBe(200);
    const rowIds: string[] = [];
    for (const table of [users, accounts, targets, messages, seatTags, contents]) rowIds.push(...(await db.select({ id: table.id }).from(table).orderBy(table.id)).map((r) => String(r.id)));
    idPool.splice(0, idPool.length, ...new Set(rowIds));
    const doc = (await t.call('GET', '/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    operations = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/xd/')) continue;
      for (const [method, op] of Object.entries(methods)) operations.push({ path, method: method.toUpperCase(), op: op as Operation['op'] });
    }
  });
  afterAll(() => t?.close());

  it('finds the whole API in the document', () => {
    const paths = new Set(operations.map((o) => o.path));
    for (const expected of [
      '/xd/auth/login',
      '/xd/client/sendMessage',
      '/xd/protocol/messageCallback',
      '/xd/client/seatTags/{tagId}',
      '/xd/media/{fileName}',
      '/xd/client/quickSearch',
      '/xd/auth/password',
      '/xd/admin/branches/{branchId}',
      '/xd/admin/users/{userId}/password',
      '/xd/admin/audit',
    ]) {
      expect(paths.has(expected), expected).toBe(true);
    }
    expect(operations.length).toBeGreaterThan(35);
  });

  it('answers anonymous garbage on every operation without storing a message', async () => {
    const before = await storedRows();
    for (const operation of operations) {
      await fc.assert(fc.asyncProperty(forOperation(operation), fc.option(badToken), async (request, token) => void (await send(request, token ?? undefined))), { numRuns: RUNS });
    }
    // Nothing unsigned, untokened reached the store (signed routes refuse before parsing).
    expect(await storedRows()).toEqual(before);
  });

  for (const role of ROLES) {
    it(`answers ${role}'s garbage on every operation with a 4xx envelope`, async () => {
      for (const operation of operations) {
        // Logging out would spend the token the rest of the sweep needs: use a throwaway one.
        const fresh = operation.path === '/xd/auth/logout';
        await fc.assert(
          fc.asyncProperty(forOperation(operation), async (request) => void (await send(request, fresh ? await t.login(role) : tokens[role]))),
          { numRuns: fresh ? 3 : RUNS },
        );
      }
    });
  }

  it('answers correctly signed garbage on the bridge routes with a 4xx envelope', async () => {
    const signed = operations.filter((o) => SIGNED.has(o.path));
    expect(signed.map((o) => o.path).sort()).toEqual([...SIGNED].sort());
    for (const operation of signed) {
      const statuses = new Set<number>();
      await fc.assert(fc.asyncProperty(requestFor(operation), async (request) => void statuses.add(await send(request, undefined, true))), { numRuns: RUNS * 4 });
      // The signatures were good: the bodies themselves reached validation and the handlers.
      expect([...statuses].some((status) => status !== 401), operation.path).toBe(true);
    }
  });

  it('answers methods a path does not have with the envelope', async () => {
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
    for (const path of new Set(operations.map((o) => o.path.replace(/\{[^}]+\}/g, '1')))) {
      const declared = new Set(operations.filter((o) => o.path.replace(/\{[^}]+\}/g, '1') === path).map((o) => o.method));
      for (const method of methods.filter((m) => !declared.has(m))) {
        for (const token of [undefined, tokens.seat1]) await send({ method, url: path, headers: {} }, token);
      }
    }
  });

  it("answers every role's garbage socket events with a 4xx ack or success", async () => {
    const events = ['message:send', 'message:read', 'watch', 'unwatch'] as const;
    const payload = fc.oneof(fc.anything(), fc.record({ accountId: fc.oneof(fc.constantFrom(...idPool), fc.string()), receId: fc.oneof(fc.constantFrom(...idPool), fc.string()), custServId: fc.oneof(fc.constantFrom(...idPool), fc.string()), contentType: fc.constantFrom('1', '2', 'x'), content: fc.string(), clientMsgId: fc.string() }, { requiredKeys: [] }));
    for (const role of ROLES) {
      const socket = await connectSocket(t.url, tokens[role]!);
      try {
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...events), payload, async (event, input) => {
            const ack = await emitWithAck(socket, event, input as never);
            expect(ack.code, `${role} ${event} ${JSON.stringify(input)} → ${JSON.stringify(ack)}`).toBeLessThan(500);
            expect(typeof ack.msg).toBe('string');
          }),
          { numRuns: RUNS * 2 },
        );
        expect(socket.connected).toBe(true);
      } finally {
        socket.close();
      }
    }
  });

  it('keeps the regressions fixed', async () => {
    for (const { role, request } of REGRESSIONS) await send(request, role ? tokens[role] : undefined, request.url.startsWith('/xd/protocol/'));
  });

  it('still serves, with an intact database', async () => {
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    if (t.hub.store.dialect === 'sqlite') expect(t.hub.store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    else expect(await t.hub.store.rows(sql`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
    expect((await t.call('GET', '/xd/auth/me', { token: tokens.seat1 })).status).toBe(200);
  });
});
