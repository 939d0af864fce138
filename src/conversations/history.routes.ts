// POST /xd/client/retrievePastRecords (查询当前营销对象消息记录), field for field as the export.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import type { Store } from '../db/store.js';
import { pageOf } from '../http/envelope.schemas.js';
import { badRequest, ok } from '../http/errors.js';
import { dayRange, formatJavaDate, type Clock } from '../time.js';
import { resolveDay } from './conversations.routes.js';
import { RetrievePastRecordsBody, RetrievePastRecordsResponse } from './conversations.schemas.js';
import { createHistoryRepository, type HistoryMessage } from './history.repository.js';

export interface HistoryRoutesDeps {
  store: Store;
  access: Access;
  guard: Guard;
  clock: Clock;
  tzName: string;
}

/**
 * `contReadState` as the seat console shows it: for an inbound message, whether the seat has
 * read it (its own flag, or covered by the conversation's read mark); for an outbound one,
 * whether the target has read it, which the bridge reports as status `read`.
 */
export function contReadStateOf(message: HistoryMessage, readUpToMessageId: number): '0' | '1' {
  if (message.sender === 1) return message.readState === 1 || message.id <= readUpToMessageId ? '1' : '0';
  return message.status === 'read' ? '1' : '0';
}

export const historyRoutes: FastifyPluginAsyncTypebox<HistoryRoutesDeps> = async (app, deps) => {
  const { access, guard, clock, tzName } = deps;
  const repository = createHistoryRepository(deps.store);

  app.post(
    '/retrievePastRecords',
    {
      onRequest: guard(),
      // The answer is built field by field below. Its many short, mostly non-ASCII strings
      // (message text, names, dates) are escaped faster by V8's JSON.stringify than by the
      // schema-compiled serializer; the response schema still documents it at /docs.
      serializerCompiler: () => JSON.stringify,
      schema: {
        tags: ['seat console'],
        summary: "A target's messages on a date (oocDate, today by default), oldest first, paged",
        description:
          'Keeps the export\'s spellings: `oocDate` in, `occDate` out, `pageNo` or `pageno` in, `pageno` out. `convType` is echoed, not a filter.',
        security: [{ token: [] }],
        body: RetrievePastRecordsBody,
        response: RetrievePastRecordsResponse,
      },
    },
    async (request) => {
      const { body } = request;
      const user = currentUser(request);
      if (body.pageNo === undefined && body.pageno === undefined) throw badRequest('body.pageNo', 'is required (or pageno)');
      const seatId = Number(body.custServId);
      const target = await access.ownedTargetFor(user, seatId, Number(body.receId));

      const day = resolveDay('oocDate', body.oocDate, clock, tzName);
      const page = pageOf(body);
      const { total, lastSendTime, items } = await repository.dayOfTarget({
        targetId: target.id,
        ...dayRange(day, tzName),
        limit: page.pageSize,
        offset: page.offset,
      });

      return ok({
        custServId: String(seatId),
        convType: body.convType ?? target.convType,
        occDate: day,
        receId: String(target.id),
        lastSendTime: lastSendTime === null ? null : formatJavaDate(lastSendTime, tzName),
        receName: target.name,
        total,
        pageno: page.pageno,
        pageSize: page.pageSize,
        contGroups: items.map((m) => ({
          contentType: m.contentType,
          content: m.content,
          sendTime: formatJavaDate(m.sendTime, tzName),
          contReadState: contReadStateOf(m, target.readUpToMessageId),
          sender: m.sender,
          msgId: String(m.id),
          sendTimeMs: m.sendTime,
          status: m.status,
          thumb: m.thumb,
        })),
      });
    },
  );
};
