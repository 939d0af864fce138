// POST /xd/client/getConversations, /getConvTargets and /timeline: a seat's conversation lists.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import type { Store } from '../db/store.js';
import { pageOf } from '../http/envelope.schemas.js';
import { badRequest, ok } from '../http/errors.js';
import { dayOf, dayRange, formatJavaDate, isValidDay, type Clock } from '../time.js';
import { createConversationsRepository, type ConversationRow } from './conversations.repository.js';
import {
  GetConversationsBody,
  GetConversationsResponse,
  GetConvTargetsBody,
  GetConvTargetsResponse,
  TimelineBody,
  TimelineResponse,
  type ConversationItem,
} from './conversations.schemas.js';

export interface ConversationRoutesDeps {
  store: Store;
  access: Access;
  guard: Guard;
  clock: Clock;
  tzName: string;
}

/** The day asked for (today in the hub's zone when absent), checked against the calendar. */
export function resolveDay(field: string, day: string | undefined, clock: Clock, tzName: string): string {
  if (day === undefined) return dayOf(clock.now(), tzName);
  if (!isValidDay(day)) throw badRequest(field, 'must be a calendar day YYYY-MM-DD');
  return day;
}

export function toConversationItem(row: ConversationRow, tzName: string): ConversationItem {
  return {
    receId: String(row.targetId),
    receName: row.targetName,
    accountId: String(row.accountId),
    convType: row.convType,
    lastContent: row.lastContent,
    lastContentType: row.lastContentType,
    lastSendTime: row.lastSendTime === null ? null : formatJavaDate(row.lastSendTime, tzName),
    lastSendTimeMs: row.lastSendTime,
    unread: row.unread,
    cursor: row.cursor,
  };
}

export const conversationRoutes: FastifyPluginAsyncTypebox<ConversationRoutesDeps> = async (app, deps) => {
  const { access, guard, clock, tzName } = deps;
  const repository = createConversationsRepository(deps.store);
  const security = [{ token: [] }];

  app.post(
    '/getConversations',
    {
      onRequest: guard(),
      schema: {
        tags: ['seat console'],
        summary: "A seat's conversations with activity on a date (today by default), newest first",
        security,
        body: GetConversationsBody,
        response: GetConversationsResponse,
      },
    },
    async (request) => {
      const seat = await access.seatFor(currentUser(request), Number(request.body.custServId));
      const day = resolveDay('date', request.body.date, clock, tzName);
      const rows = await repository.activeOnDay(seat.id, dayRange(day, tzName));
      return ok(rows.map((row) => toConversationItem(row, tzName)));
    },
  );

  app.post(
    '/getConvTargets',
    {
      onRequest: guard(),
      schema: {
        tags: ['seat console'],
        summary: "A seat's targets of one conversation type, optionally on one account, paged",
        security,
        body: GetConvTargetsBody,
        response: GetConvTargetsResponse,
      },
    },
    async (request) => {
      const { body } = request;
      const seat = await access.seatFor(currentUser(request), Number(body.custServId));
      // An account filter names an account the caller may see, or (after a transfer) one on
      // which this seat owns a conversation although the account is assigned to another seat.
      const accountId = body.accountId === undefined ? undefined : Number(body.accountId);
      if (accountId !== undefined && !(await repository.ownsConversationOn(seat.id, accountId))) await access.accountFor(currentUser(request), accountId);
      const page = pageOf(body);
      const { rows, total } = await repository.targetsOfType(seat.id, body.convType, accountId, { limit: page.pageSize, offset: page.offset });
      return ok({ rows: rows.map((row) => toConversationItem(row, tzName)), total, pageno: page.pageno, pageSize: page.pageSize });
    },
  );

  app.post(
    '/timeline',
    {
      onRequest: guard(),
      schema: {
        tags: ['seat console'],
        summary: "A seat's targets by last message, newest first, with the cursor and seq to resume from",
        description:
          'Without `date`: the whole timeline. With `date`: conversations with activity on that day, by their last message of that day.',
        security,
        body: TimelineBody,
        response: TimelineResponse,
      },
    },
    async (request) => {
      const { body } = request;
      const seat = await access.seatFor(currentUser(request), Number(body.custServId));
      const range = body.date === undefined ? undefined : dayRange(resolveDay('date', body.date, clock, tzName), tzName);
      const page = pageOf(body);
      const { cursor, seq, rows, total } = await repository.timeline(seat.id, { limit: page.pageSize, offset: page.offset }, range);
      return ok({ rows: rows.map((row) => toConversationItem(row, tzName)), total, pageno: page.pageno, pageSize: page.pageSize, cursor, seq });
    },
  );
};
