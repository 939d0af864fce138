// Seat tags: /xd/client/seatTags, /xd/client/targetsByTag, /xd/client/targetTags.
// Tags are a seat's own working labels, so only seats use them (managers have no targets).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { pageOf } from '../http/envelope.schemas.js';
import { ok } from '../http/errors.js';
import { formatJavaDate, type Clock } from '../time.js';
import type { TagsRepository } from './tags.repository.js';
import { CreateTagBody, TagParams, TagResponses, TargetTagsBody, TargetsByTagBody } from './tags.schemas.js';

export interface TagRoutesDeps {
  tags: TagsRepository;
  access: Access;
  guard: Guard;
  clock: Clock;
  tzName: string;
}

const common = { tags: ['seat tags'], security: [{ token: [] }] };

export const tagRoutes: FastifyPluginAsyncTypebox<TagRoutesDeps> = async (app, deps) => {
  const { tags, access, clock, tzName } = deps;
  const seatOnly = deps.guard('seat');

  app.get('/seatTags', { onRequest: seatOnly, schema: { ...common, summary: 'Your tags with the number of your targets on each', response: TagResponses.list } }, async (request) => {
    const user = currentUser(request);
    return ok((await tags.listTags(user.id)).map((t) => ({ tagId: String(t.id), name: t.name, color: t.color, targets: t.targets })));
  });

  app.post(
    '/seatTags',
    { onRequest: seatOnly, schema: { ...common, summary: 'Create a tag (409 on a duplicate name)', body: CreateTagBody, response: TagResponses.create } },
    async (request) => {
      const user = currentUser(request);
      const tagId = await tags.createTag(user.id, request.body.name.trim(), request.body.color ?? null, clock.now());
      return ok({ tagId: String(tagId) });
    },
  );

  app.delete(
    '/seatTags/:tagId',
    { onRequest: seatOnly, schema: { ...common, summary: 'Delete one of your tags; its targets are untagged', params: TagParams, response: TagResponses.remove } },
    async (request) => {
      const user = currentUser(request);
      const untagged = await tags.deleteTag(user.id, Number(request.params.tagId));
      return ok({ tagId: request.params.tagId, untagged });
    },
  );

  app.post(
    '/targetsByTag',
    { onRequest: seatOnly, schema: { ...common, summary: 'Your targets carrying a tag, newest activity first', body: TargetsByTagBody, response: TagResponses.targets } },
    async (request) => {
      const user = currentUser(request);
      const tagId = Number(request.body.tagId);
      await tags.ownTag(user.id, tagId);
      const page = pageOf(request.body);
      const { total, rows } = await tags.targetsByTag(user.id, tagId, page);
      return ok({
        rows: rows.map(({ target, conversation }) => ({
          receId: String(target.id),
          receName: target.name,
          accountId: String(target.accountId),
          convType: target.convType,
          lastContent: conversation.lastContent,
          lastSendTime: conversation.lastSendTime === null ? null : formatJavaDate(conversation.lastSendTime, tzName),
          lastSendTimeMs: conversation.lastSendTime,
          unread: conversation.unreadCount,
        })),
        total,
        pageno: page.pageno,
        pageSize: page.pageSize,
      });
    },
  );

  app.put(
    '/targetTags',
    { onRequest: seatOnly, schema: { ...common, summary: "Replace your tags on a target you own", body: TargetTagsBody, response: TagResponses.replace } },
    async (request) => {
      const user = currentUser(request);
      const targetId = Number(request.body.receId);
      await access.targetFor(user, targetId);
      await tags.replaceTargetTags(user.id, targetId, request.body.tagIds.map(Number), clock.now());
      return ok({ receId: String(targetId), tagIds: (await tags.tagsOfTarget(user.id, targetId)).map(String) });
    },
  );
};
