// GET /xd/client/quickSearch (快捷搜索): targets by name or platform id, messages by text.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import type { Store } from '../db/store.js';
import { badRequest, ok } from '../http/errors.js';
import { rejectControlCharacters } from '../http/input-rules.js';
import { formatJavaDate, type Clock } from '../time.js';
import { createSearchRepository, MESSAGE_LIMIT, SHORT_MESSAGE_CONVERSATIONS, SHORT_MESSAGE_DAYS, SHORT_TARGET_WINDOW, TARGET_LIMIT } from './search.repository.js';
import { QuickSearchQuery, QuickSearchResponse } from './search.schemas.js';

export interface SearchRoutesDeps {
  store: Store;
  access: Access;
  guard: Guard;
  clock: Clock;
  tzName: string;
}

export const searchRoutes: FastifyPluginAsyncTypebox<SearchRoutesDeps> = async (app, deps) => {
  const { access, guard, clock, tzName } = deps;
  const repository = createSearchRepository(deps.store);

  app.get(
    '/quickSearch',
    {
      onRequest: guard(),
      schema: {
        tags: ['seat console'],
        summary: 'Targets by name or platform id and messages by text, within what the caller may see',
        description:
          `Newest first, at most ${TARGET_LIMIT} targets and ${MESSAGE_LIMIT} messages. Keywords of 3+ characters use a full-text ` +
          `(trigram) index over everything visible. Shorter ones cannot use it: they match target names among the caller's ` +
          `${SHORT_TARGET_WINDOW} newest visible conversations and, for a seat, message text in its ${SHORT_MESSAGE_CONVERSATIONS} ` +
          `most recently active conversations over the last ${SHORT_MESSAGE_DAYS} days (\`match: "short"\`).`,
        security: [{ token: [] }],
        querystring: QuickSearchQuery,
        response: QuickSearchResponse,
      },
    },
    async (request) => {
      rejectControlCharacters('querystring.keyword', request.query.keyword);
      const keyword = request.query.keyword.trim();
      if (keyword === '') throw badRequest('querystring.keyword', 'must not be blank');
      const found = await repository.search(await access.seatScope(currentUser(request)), keyword, clock.now());
      return ok({
        targets: found.targets.map((t) => ({ receId: String(t.targetId), receName: t.targetName, accountId: String(t.accountId), convType: t.convType })),
        messages: found.messages.map((m) => ({
          msgId: String(m.msgId),
          receId: String(m.targetId),
          receName: m.targetName,
          content: m.content,
          contentType: m.contentType,
          sender: m.sender,
          sendTime: formatJavaDate(m.sendTime, tzName),
          sendTimeMs: m.sendTime,
        })),
        match: found.short ? ('short' as const) : ('fulltext' as const),
      });
    },
  );
};
