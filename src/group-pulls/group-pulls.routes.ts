// /xd/client/groupPulls: seats (their own accounts) and branch managers (their branch's
// accounts) start, list, read and steer group pulls.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { pageOf } from '../http/envelope.schemas.js';
import { ok } from '../http/errors.js';
import type { GroupPulls } from './group-pulls.js';
import { CreateGroupPullBody, GroupPullListQuery, GroupPullResponses, TaskParams } from './group-pulls.schemas.js';

export interface GroupPullRoutesDeps {
  groupPulls: GroupPulls;
  guard: Guard;
}

const common = { tags: ['group pulls'], security: [{ token: [] }] };

export const groupPullRoutes: FastifyPluginAsyncTypebox<GroupPullRoutesDeps> = async (app, deps) => {
  const { groupPulls } = deps;
  const onRequest = deps.guard('seat', 'branch');

  app.post('/groupPulls', { onRequest, schema: { ...common, summary: 'Start adding numbers to a group through an account', body: CreateGroupPullBody, response: GroupPullResponses.create } }, async (request) => {
    const b = request.body;
    const taskId = await groupPulls.create(currentUser(request), { ...b, accountId: Number(b.accountId) });
    return ok({ taskId: String(taskId) });
  });

  app.get('/groupPulls', { onRequest, schema: { ...common, summary: 'Group pulls of your accounts, paged', querystring: GroupPullListQuery, response: GroupPullResponses.list } }, async (request) => {
    const q = request.query;
    const { pageno, pageSize, offset } = pageOf({ ...q, pageSize: q.pageSize ?? 20 });
    const filter = { status: q.status as never, accountId: q.accountId === undefined ? undefined : Number(q.accountId) };
    const { rows, total } = await groupPulls.list(currentUser(request), filter, { offset, limit: pageSize });
    return ok({ rows, total, pageno, pageSize });
  });

  app.get('/groupPulls/:taskId', { onRequest, schema: { ...common, summary: 'A group pull with its members', params: TaskParams, response: GroupPullResponses.get } }, async (request) =>
    ok(await groupPulls.get(currentUser(request), Number(request.params.taskId))),
  );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    app.post(`/groupPulls/:taskId/${action}`, { onRequest, schema: { ...common, summary: `${action[0]!.toUpperCase()}${action.slice(1)} a group pull (409 once it is final)`, params: TaskParams, response: GroupPullResponses.change } }, async (request) =>
      ok(await groupPulls.change(currentUser(request), Number(request.params.taskId), action)),
    );
  }
};
