// Content management and quick replies: POST/DELETE /xd/client/content,
// GET /xd/client/quickReplies, POST /xd/client/searchQuickReplies.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { streamOf, type ActivityStamp } from '../activity/activity.repository.js';
import type { AuthUser } from '../auth/auth.repository.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { pageOf } from '../http/envelope.schemas.js';
import { badRequest, forbidden, notFound, ok } from '../http/errors.js';
import { rejectControlCharacters } from '../http/input-rules.js';
import type { RepliesChangedPayload } from '../realtime/events.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import type { ContentRow, RepliesRepository } from './replies.repository.js';
import { ContentParams, CreateContentBody, QuickRepliesQuery, ReplyResponses, SearchQuickRepliesBody } from './replies.schemas.js';

export interface ReplyRoutesDeps {
  replies: RepliesRepository;
  guard: Guard;
  io: HubServer;
  clock: Clock;
}

const common = { tags: ['quick replies'], security: [{ token: [] }] };

const toWire = (c: ContentRow) => ({
  contentId: String(c.id),
  title: c.title,
  body: c.body,
  contentType: c.contentType,
  mediaUrl: c.mediaUrl,
  shortcut: c.shortcut,
  scope: c.scope,
});

/** Branch managers manage their branch's content; seats manage their own. */
function mayManage(user: AuthUser, item: Pick<ContentRow, 'scope' | 'ownerUserId' | 'branchId'>): boolean {
  if (item.scope === 'seat') return user.role === 'seat' && item.ownerUserId === user.id;
  return user.role === 'branch' && user.branchId !== null && item.branchId === user.branchId;
}

export const replyRoutes: FastifyPluginAsyncTypebox<ReplyRoutesDeps> = async (app, deps) => {
  const { replies, io, clock } = deps;

  /** Open consoles refresh their list: the owner's seat room, or every seat of the branch. */
  async function pushChange(item: Pick<ContentRow, 'id' | 'scope' | 'ownerUserId' | 'branchId'>, change: 'created' | 'deleted', stamp: ActivityStamp) {
    const payload: RepliesChangedPayload = { scope: item.scope, contentId: String(item.id), change, cursor: stamp.cursor };
    // A seat's own reply is in that seat's stream; a branch reply is a hint with no seq.
    if (item.scope === 'seat' && stamp.seq !== null) Object.assign(payload, streamOf(item.ownerUserId, stamp.seq));
    const targets =
      item.scope === 'seat' || item.branchId === null
        ? [rooms.seat(item.ownerUserId)]
        : [rooms.branch(item.branchId), ...(await replies.seatIdsOfBranch(item.branchId)).map(rooms.seat)];
    io.to(targets).emit('replies:changed', payload);
  }

  app.post(
    '/content',
    { onRequest: deps.guard('seat', 'branch'), schema: { ...common, summary: 'Create a quick reply for yourself (seat) or your branch (branch manager)', body: CreateContentBody, response: ReplyResponses.create } },
    async (request) => {
      const user = currentUser(request);
      const body = request.body;
      const contentType = body.contentType ?? '1';
      if (contentType !== '1' && !body.mediaUrl) throw badRequest('mediaUrl', 'is required when contentType is not 1 (text)');
      if (contentType === '1' && body.body.trim() === '') throw badRequest('body', 'must not be empty for text content');
      const item = {
        scope: body.scope,
        ownerUserId: user.id,
        branchId: user.branchId,
        title: body.title.trim(),
        body: body.body,
        contentType,
        mediaUrl: body.mediaUrl ?? null,
        shortcut: body.shortcut ?? null,
      };
      if (item.scope === 'branch' && (user.role !== 'branch' || user.branchId === null)) throw forbidden('scope: only a branch manager creates branch content');
      if (item.scope === 'seat' && user.role !== 'seat') throw forbidden('scope: seat content belongs to a seat; use scope "branch"');
      const { id, stamp } = await replies.create(item, clock.now());
      await pushChange({ ...item, id }, 'created', stamp);
      return ok({ contentId: String(id) });
    },
  );

  app.delete(
    '/content/:contentId',
    { onRequest: deps.guard('seat', 'branch'), schema: { ...common, summary: 'Delete your own content, or your branch content as its manager', params: ContentParams, response: ReplyResponses.remove } },
    async (request) => {
      const user = currentUser(request);
      const item = await replies.find(Number(request.params.contentId));
      if (!item) throw notFound('contentId');
      if (!mayManage(user, item)) throw forbidden('contentId: not content you may delete');
      const stamp = await replies.remove(item, clock.now());
      await pushChange(item, 'deleted', stamp);
      return ok({ contentId: String(item.id) });
    },
  );

  app.get(
    '/quickReplies',
    { onRequest: deps.guard('seat', 'branch', 'supervisor'), schema: { ...common, summary: 'Your quick replies, then your branch’s', querystring: QuickRepliesQuery, response: ReplyResponses.list } },
    async (request) => {
      const user = currentUser(request);
      const page = pageOf(request.query);
      if (request.query.keyword !== undefined) rejectControlCharacters('querystring.keyword', request.query.keyword);
      const keyword = request.query.keyword?.trim() || undefined;
      const { total, rows } = await replies.list({ userId: user.id, branchId: user.branchId }, keyword, page);
      return ok({ rows: rows.map(toWire), total, pageno: page.pageno, pageSize: page.pageSize });
    },
  );

  app.post(
    '/searchQuickReplies',
    { onRequest: deps.guard('seat', 'branch', 'supervisor'), schema: { ...common, summary: 'Search quick replies: shortcut prefix, then title, then body matches', body: SearchQuickRepliesBody, response: ReplyResponses.list } },
    async (request) => {
      const user = currentUser(request);
      rejectControlCharacters('keyword', request.body.keyword);
      const keyword = request.body.keyword.trim();
      if (keyword === '') throw badRequest('keyword', 'must not be blank');
      const page = pageOf(request.body);
      const { total, rows } = await replies.search({ userId: user.id, branchId: user.branchId }, keyword, page);
      return ok({ rows: rows.map(toWire), total, pageno: page.pageno, pageSize: page.pageSize });
    },
  );
};
