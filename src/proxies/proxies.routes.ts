// The proxy pool under /xd/admin (master and admin): CRUD, import, checks, provider fetch and
// auto-assignment. Passwords go in and never come out: rows say `hasPassword`.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Guard } from '../auth/auth.guard.js';
import { pageOf } from '../http/envelope.schemas.js';
import { badRequest, notFound, ok } from '../http/errors.js';
import type { Db } from '../db/store.js';
import type { Clock } from '../time.js';
import type { ProxiesRepository, ProxyWithCount } from './proxies.repository.js';
import {
  AccountParams,
  AutoAssignBody,
  CreateProxyBody,
  FetchProxiesBody,
  ImportProxiesBody,
  ProxyListQuery,
  ProxyParams,
  ProxyResponses,
  UpdateProxyBody,
} from './proxies.schemas.js';
import { parseProxyLines } from './proxy-import.js';
import type { ProxyPool } from './proxy-pool.js';

/** Writes one audit row inside the change's own transaction. Passwords never reach it. */
export type ProxyAudit = (tx: Db, entry: { actorId: number; action: string; subject: string; detail: Record<string, unknown>; ip: string }) => Promise<void>;

export interface ProxyRoutesDeps {
  proxies: ProxiesRepository;
  pool: ProxyPool;
  guard: Guard;
  clock: Clock;
  audit: ProxyAudit;
}

export function toWire(p: ProxyWithCount) {
  return {
    proxyId: String(p.id),
    host: p.host,
    port: p.port,
    protocol: p.protocol,
    username: p.username,
    hasPassword: p.password !== null && p.password !== '',
    provider: p.provider,
    country: p.country,
    status: p.status,
    statusReason: p.statusReason,
    latencyMs: p.latencyMs,
    checkedAt: p.checkedAt,
    expiresAt: p.expiresAt,
    maxAccounts: p.maxAccounts,
    accounts: p.accounts,
  };
}

const common = { tags: ['proxies'], security: [{ token: [] }] };

export const proxyRoutes: FastifyPluginAsyncTypebox<ProxyRoutesDeps> = async (app, deps) => {
  const { proxies, pool, clock } = deps;
  const audit: ProxyAudit = deps.audit;
  const onRequest = deps.guard('master', 'admin');
  const entry = (request: { user?: { id: number }; ip: string }, action: string, subject: string, detail: Record<string, unknown> = {}) => ({
    actorId: request.user!.id,
    action,
    subject,
    detail,
    ip: request.ip,
  });
  const country = (c: string | undefined | null) => (typeof c === 'string' ? c.toUpperCase() : c);

  app.get('/proxies', { onRequest, schema: { ...common, summary: 'The proxy pool, paged', querystring: ProxyListQuery, response: ProxyResponses.list } }, async (request) => {
    const q = request.query;
    const { pageno, pageSize, offset } = pageOf({ ...q, pageSize: q.pageSize ?? 20 });
    const { rows, total } = await proxies.list({ status: q.status, provider: q.provider, keyword: q.keyword?.trim() || undefined }, { offset, limit: pageSize });
    return ok({ rows: rows.map(toWire), total, pageno, pageSize });
  });

  app.post('/proxies', { onRequest, schema: { ...common, summary: 'Add a proxy', body: CreateProxyBody, response: ProxyResponses.create } }, async (request) => {
    const b = request.body;
    if (b.password !== undefined && b.username === undefined) throw badRequest('username', 'is required with a password');
    const id = await proxies.create({ ...b, country: country(b.country) }, (tx, created) =>
      audit(tx, entry(request, 'proxy.create', `proxy:${created}`, { host: b.host, port: b.port, protocol: b.protocol })),
    );
    return ok({ proxyId: String(id) });
  });

  app.post('/proxies/import', { onRequest, schema: { ...common, summary: 'Import host:port[:username:password] lines', body: ImportProxiesBody, response: ProxyResponses.import } }, async (request) => {
    const b = request.body;
    const { parsed, skipped } = parseProxyLines(b.lines);
    const { created, duplicates } = await proxies.createMany(
      parsed.map((p) => ({ host: p.host, port: p.port, username: p.username, password: p.password, protocol: b.protocol, country: country(b.country), maxAccounts: b.maxAccounts })),
      (tx, result) => audit(tx, entry(request, 'proxy.import', 'proxies', { created: result.created.length, skipped: skipped.length + result.duplicates.length })),
    );
    for (const i of duplicates) skipped.push({ line: parsed[i]!.line, reason: 'already in the pool' });
    skipped.sort((a, b) => a.line - b.line);
    return ok({ created: created.length, skipped });
  });

  app.put('/proxies/:proxyId', { onRequest, schema: { ...common, summary: 'Change a proxy', params: ProxyParams, body: UpdateProxyBody, response: ProxyResponses.change } }, async (request) => {
    const id = Number(request.params.proxyId);
    const b = request.body;
    // Only the proxy's own fields: an unknown key would reach the UPDATE as a column.
    const unknown = Object.keys(b).find((key) => !Object.hasOwn(UpdateProxyBody.properties, key));
    if (unknown !== undefined) throw badRequest(`body.${unknown}`, 'is not allowed');
    const patch = { ...b, ...('country' in b ? { country: country(b.country) } : {}) };
    if (patch.username === null && patch.password === undefined) patch.password = null;
    await proxies.update(id, patch, clock.now(), (tx) => audit(tx, entry(request, 'proxy.update', `proxy:${id}`, { fields: Object.keys(b) })));
    return ok({ proxyId: String(id) });
  });

  app.delete('/proxies/:proxyId', { onRequest, schema: { ...common, summary: 'Delete a proxy no account uses', params: ProxyParams, response: ProxyResponses.change } }, async (request) => {
    const id = Number(request.params.proxyId);
    await proxies.remove(id, (tx) => audit(tx, entry(request, 'proxy.delete', `proxy:${id}`)));
    return ok({ proxyId: String(id) });
  });

  app.post('/proxies/:proxyId/check', { onRequest, schema: { ...common, summary: 'Check a proxy now', params: ProxyParams, response: ProxyResponses.check } }, async (request) =>
    ok(await pool.checkNow(Number(request.params.proxyId))),
  );

  app.post('/proxies/fetch', { onRequest, schema: { ...common, summary: 'Fetch proxies from the configured provider', body: FetchProxiesBody, response: ProxyResponses.fetch } }, async (request) => {
    const b = request.body;
    const created = await pool.fetchFromProvider({ count: b.count, country: country(b.country) ?? undefined, protocol: b.protocol ?? 'socks5' }, (tx, result) =>
      audit(tx, entry(request, 'proxy.fetch', 'proxies', { created: result.created.length })),
    );
    return ok({ created: created.length });
  });

  app.post(
    '/accounts/:accountId/proxy/auto',
    {
      onRequest,
      // The body is optional: a bare POST asks for any country.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: { ...common, summary: 'Assign the best free proxy to an account', params: AccountParams, body: AutoAssignBody, response: ProxyResponses.auto },
    },
    async (request) => {
      const accountId = Number(request.params.accountId);
      const proxyId = await pool.autoAssign(accountId, country(request.body?.country) ?? undefined, (tx, assigned) =>
        audit(tx, entry(request, 'account.proxy.auto', `account:${accountId}`, { proxyId: { before: null, after: assigned } })),
      );
      const row = await proxies.get(proxyId);
      if (!row) throw notFound('proxyId');
      return ok(toWire(row));
    },
  );
};
