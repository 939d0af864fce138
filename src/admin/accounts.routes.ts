// /xd/admin/accounts: master and admin manage every account, a branch manager its branch's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Guard } from '../auth/auth.guard.js';
import type { Store } from '../db/store.js';
import { Envelope, Id, Paged, errorResponses, pageOf } from '../http/envelope.schemas.js';
import { ok } from '../http/errors.js';
import type { Clock } from '../time.js';
import { adminContext } from './admin-context.js';
import { adminScopeOf } from './admin-scope.js';
import { Keyword, PageQuery, adminRoute, writeResponses } from './admin.schemas.js';
import { importAccounts } from './accounts-import.js';
import type { AccountsAdminRepository } from './accounts.repository.js';
import { AccountListRow, AccountStatusSchema, ImportBody, ImportResult, NewAccountBody, UpdateAccountBody } from './accounts.schemas.js';
import type { AccountsService } from './accounts.service.js';

export interface AccountRoutesDeps {
  store: Store;
  accounts: AccountsAdminRepository;
  service: AccountsService;
  guard: Guard;
  clock: Clock;
}

const idOrNull = (id: number | null) => (id === null ? null : String(id));
const numberOrNull = (id: string | null | undefined) => (id === undefined ? undefined : id === null ? null : Number(id));
const AccountParams = Type.Object({ accountId: Id });

export const accountAdminRoutes: FastifyPluginAsyncTypebox<AccountRoutesDeps> = async (app, deps) => {
  const { store, accounts, service, clock } = deps;
  const onRequest = deps.guard('master', 'admin', 'branch');

  app.get(
    '/accounts',
    {
      onRequest,
      schema: {
        ...adminRoute,
        summary: 'Accounts, newest first (branch manager: its branch’s)',
        querystring: Type.Object({
          branchId: Type.Optional(Id),
          seatId: Type.Optional(Id),
          status: Type.Optional(AccountStatusSchema),
          keyword: Keyword,
          unassigned: Type.Optional(Type.Boolean()),
          ...PageQuery,
        }),
        response: { 200: Envelope(Paged(AccountListRow)), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = pageOf(q);
      const { rows, total } = await accounts.list(adminScopeOf(adminContext(request, clock).actor), {
        branchId: numberOrNull(q.branchId) ?? undefined,
        seatId: numberOrNull(q.seatId) ?? undefined,
        status: q.status,
        keyword: q.keyword,
        unassigned: q.unassigned,
        offset: page.offset,
        limit: page.pageSize,
      });
      return ok({
        rows: rows.map(({ account: a, seatName, proxyStatus }) => ({
          accountId: String(a.id),
          phone: a.phone,
          platform: a.platform,
          branchId: idOrNull(a.branchId),
          seatId: idOrNull(a.seatId),
          seatName,
          status: a.status,
          statusReason: a.statusReason,
          proxyId: idOrNull(a.proxyId),
          proxyStatus,
          disabled: a.disabled,
          bridgeSession: a.bridgeSession,
          createdAt: a.createdAt,
        })),
        total,
        pageno: page.pageno,
        pageSize: page.pageSize,
      });
    },
  );

  app.post(
    '/accounts',
    {
      onRequest,
      schema: { ...adminRoute, summary: 'Create an account (409 if the phone is taken; the seat must be in that branch)', body: NewAccountBody, response: writeResponses(Type.Object({ accountId: Id })) },
    },
    async (request) => {
      const b = request.body;
      const accountId = await service.create(adminContext(request, clock), { phone: b.phone, platform: b.platform, branchId: Number(b.branchId), seatId: numberOrNull(b.seatId) });
      return ok({ accountId: String(accountId) });
    },
  );

  app.post(
    '/accounts/import',
    {
      onRequest,
      schema: { ...adminRoute, summary: 'Create many accounts in one transaction: bad rows are skipped with their reason, good rows kept', body: ImportBody, response: writeResponses(ImportResult) },
    },
    async (request) => ok(await importAccounts(store, service, adminContext(request, clock), request.body.accounts as Record<string, unknown>[])),
  );

  app.put(
    '/accounts/:accountId',
    {
      onRequest,
      schema: {
        ...adminRoute,
        summary: "Change an account; a new seat takes the old seat's conversations of it, live",
        params: AccountParams,
        body: UpdateAccountBody,
        response: writeResponses(Type.Object({ accountId: Id })),
      },
    },
    async (request) => {
      const b = request.body;
      const id = Number(request.params.accountId);
      await service.update(adminContext(request, clock), id, {
        seatId: numberOrNull(b.seatId),
        branchId: b.branchId === undefined ? undefined : Number(b.branchId),
        proxyId: numberOrNull(b.proxyId),
        disabled: b.disabled,
        bridgeSession: b.bridgeSession,
      });
      return ok({ accountId: String(id) });
    },
  );

  app.delete(
    '/accounts/:accountId',
    { onRequest, schema: { ...adminRoute, summary: 'Delete an account that has no conversations (otherwise 409: disable it)', params: AccountParams, response: writeResponses(Type.Object({ accountId: Id })) } },
    async (request) => {
      const id = Number(request.params.accountId);
      await service.remove(adminContext(request, clock), id);
      return ok({ accountId: String(id) });
    },
  );
};
