// /xd/admin/branches: master and admin list, create, rename and delete branches.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Guard } from '../auth/auth.guard.js';
import { recordAudit } from '../audit/audit.repository.js';
import { dbFailure, type Store } from '../db/store.js';
import { Envelope, Id, Paged, errorResponses, pageOf } from '../http/envelope.schemas.js';
import { conflict, hubError, notFound, ok } from '../http/errors.js';
import type { Clock } from '../time.js';
import { adminContext, auditBy } from './admin-context.js';
import { Keyword, Millis, PageQuery, adminRoute, writeResponses } from './admin.schemas.js';
import type { BranchesRepository } from './branches.repository.js';

export interface BranchRoutesDeps {
  store: Store;
  branches: BranchesRepository;
  guard: Guard;
  clock: Clock;
}

const BranchName = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });
const BranchBody = Type.Object({ name: BranchName }, { additionalProperties: false });
const BranchParams = Type.Object({ branchId: Id });
const BranchListRow = Type.Object({ branchId: Id, name: Type.String(), seats: Type.Integer(), supervisors: Type.Integer(), accounts: Type.Integer(), createdAt: Millis });

export const branchRoutes: FastifyPluginAsyncTypebox<BranchRoutesDeps> = async (app, deps) => {
  const { store, branches, clock } = deps;
  const onRequest = deps.guard('master', 'admin');

  const duplicateName = (name: string) => hubError('duplicate', `name: a branch named ${name} already exists`);
  /** The unique index refusing a name a concurrent write took after the check: the same 409. */
  const orDuplicate = (name: string) => (error: unknown) => {
    throw dbFailure(error) === 'unique' ? duplicateName(name) : error;
  };

  app.get(
    '/branches',
    {
      onRequest,
      schema: {
        ...adminRoute,
        summary: 'Branches with their head counts, newest first (master, admin)',
        querystring: Type.Object({ keyword: Keyword, ...PageQuery }),
        response: { 200: Envelope(Paged(BranchListRow)), ...errorResponses },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { rows, total } = await branches.list({ keyword: request.query.keyword, offset: page.offset, limit: page.pageSize });
      return ok({
        rows: rows.map((b) => ({ branchId: String(b.id), name: b.name, seats: b.seats, supervisors: b.supervisors, accounts: b.accounts, createdAt: b.createdAt })),
        total,
        pageno: page.pageno,
        pageSize: page.pageSize,
      });
    },
  );

  app.post(
    '/branches',
    { onRequest, schema: { ...adminRoute, summary: 'Create a branch (409 on a duplicate name)', body: BranchBody, response: writeResponses(Type.Object({ branchId: Id })) } },
    async (request) => {
      const ctx = adminContext(request, clock);
      const name = request.body.name.trim();
      const branch = await store
        .transaction(async (tx) => {
          if (await branches.findByName(tx, name)) throw duplicateName(name);
          const row = await branches.insert(tx, name, ctx.now);
          await recordAudit(tx, { ...auditBy(ctx), action: 'branch.create', subject: `branch:${row.id}`, detail: { name: { before: null, after: name } } });
          return row;
        })
        .catch(orDuplicate(name));
      return ok({ branchId: String(branch.id) });
    },
  );

  app.put(
    '/branches/:branchId',
    { onRequest, schema: { ...adminRoute, summary: 'Rename a branch', params: BranchParams, body: BranchBody, response: writeResponses(Type.Object({ branchId: Id })) } },
    async (request) => {
      const ctx = adminContext(request, clock);
      const id = Number(request.params.branchId);
      const name = request.body.name.trim();
      await store
        .transaction(async (tx) => {
          const branch = await branches.find(tx, id);
          if (!branch) throw notFound('branchId');
          if (branch.name === name) return;
          const other = await branches.findByName(tx, name);
          if (other && other.id !== id) throw duplicateName(name);
          await branches.rename(tx, id, name);
          await recordAudit(tx, { ...auditBy(ctx), action: 'branch.update', subject: `branch:${id}`, detail: { name: { before: branch.name, after: name } } });
        })
        .catch(orDuplicate(name));
      return ok({ branchId: String(id) });
    },
  );

  app.delete(
    '/branches/:branchId',
    { onRequest, schema: { ...adminRoute, summary: 'Delete a branch (409 while it has users, accounts or content)', params: BranchParams, response: writeResponses(Type.Object({ branchId: Id })) } },
    async (request) => {
      const ctx = adminContext(request, clock);
      const id = Number(request.params.branchId);
      // Serializable: the "nothing left in it" check and the delete must not interleave with a
      // user or account joining the branch (the foreign keys refuse that too, as a 409 below).
      await store.transaction(async (tx) => {
        const branch = await branches.find(tx, id);
        if (!branch) throw notFound('branchId');
        const left = await branches.dependents(tx, id);
        if (left.users > 0 || left.accounts > 0 || left.contents > 0) {
          throw conflict(`branchId: still has ${left.users} users, ${left.accounts} accounts and ${left.contents} content items`);
        }
        if (!(await branches.remove(tx, id))) throw conflict('branchId: other records still refer to it');
        await recordAudit(tx, { ...auditBy(ctx), action: 'branch.delete', subject: `branch:${id}`, detail: { name: { before: branch.name, after: null } } });
      }, { serializable: true });
      return ok({ branchId: String(id) });
    },
  );
};
