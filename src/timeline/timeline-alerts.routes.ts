// POST /xd/client/timelineAlerts: what a reconnecting client missed since its last position,
// either the seat's stream seq (`sinceSeq`) or the hub-wide cursor (`since`).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import type { Store } from '../db/store.js';
import { Envelope, errorResponses, Id } from '../http/envelope.schemas.js';
import { badRequest, ok } from '../http/errors.js';
import { formatJavaDate } from '../time.js';
import { timelineAlerts, timelineAlertsBySeq } from './timeline-alerts.repository.js';

export interface TimelineAlertsDeps {
  store: Store;
  access: Access;
  guard: Guard;
  tzName: string;
}

const Position = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });

// Exactly one of the two positions; checked in the handler so the refusal names the field.
const Body = Type.Object({
  custServId: Id,
  since: Type.Optional(Position('the last cursor the client has seen (0 for everything)')),
  sinceSeq: Type.Optional(Position("the last seq of this seat's stream the client applied (0 for everything)")),
});

const Alert = Type.Object({
  receId: Id,
  receName: Type.String(),
  accountId: Id,
  unread: Type.Integer(),
  lastContent: Type.Union([Type.String(), Type.Null()]),
  lastSendTime: Type.Union([Type.String(), Type.Null()]),
  lastSendTimeMs: Type.Union([Type.Integer(), Type.Null()]),
});

const Answer = Type.Object({
  cursor: Type.Optional(Type.Integer({ description: 'with `since`: the cursor this answer covers' })),
  seq: Type.Optional(Type.Integer({ description: "with `sinceSeq`: the seat's seq this answer covers" })),
  alerts: Type.Array(Alert),
  more: Type.Boolean(),
});

export const timelineAlertsRoutes: FastifyPluginAsyncTypebox<TimelineAlertsDeps> = async (app, deps) => {
  app.post(
    '/timelineAlerts',
    {
      onRequest: deps.guard(),
      schema: {
        tags: ['client'],
        summary: "Targets with activity after a seat's seq (or a cursor), and the position the answer covers (catch-up after a gap or a reconnect)",
        security: [{ token: [] }],
        body: Body,
        response: { 200: Envelope(Answer), ...errorResponses },
      },
    },
    async (request) => {
      const { since, sinceSeq } = request.body;
      if (since === undefined && sinceSeq === undefined) throw badRequest('sinceSeq', 'is required (or since, a cursor)');
      if (since !== undefined && sinceSeq !== undefined) throw badRequest('sinceSeq', 'give either sinceSeq or since, not both');
      const seat = await deps.access.seatFor(currentUser(request), Number(request.body.custServId));
      const result = sinceSeq === undefined ? await timelineAlerts(deps.store, seat.id, since!) : await timelineAlertsBySeq(deps.store, seat.id, sinceSeq);
      return ok({
        ...('seq' in result ? { seq: result.seq } : { cursor: result.cursor }),
        more: result.more,
        alerts: result.alerts.map((row) => ({
          receId: String(row.targetId),
          receName: row.name,
          accountId: String(row.accountId),
          unread: row.unread,
          lastContent: row.lastContent,
          lastSendTime: row.lastSendTime === null ? null : formatJavaDate(row.lastSendTime, deps.tzName),
          lastSendTimeMs: row.lastSendTime,
        })),
      });
    },
  );
};
