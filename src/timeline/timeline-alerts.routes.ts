// POST /xd/client/timelineAlerts: what a reconnecting client missed since its last cursor.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import type { Db } from '../db/open.js';
import { Envelope, errorResponses, Id } from '../http/envelope.schemas.js';
import { ok } from '../http/errors.js';
import { formatJavaDate } from '../time.js';
import { timelineAlerts } from './timeline-alerts.repository.js';

export interface TimelineAlertsDeps {
  db: Db;
  access: Access;
  guard: Guard;
  tzName: string;
}

const Body = Type.Object({
  custServId: Id,
  since: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'the last cursor the client has seen (0 for everything)' }),
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

const Answer = Type.Object({ cursor: Type.Integer(), alerts: Type.Array(Alert), more: Type.Boolean() });

export const timelineAlertsRoutes: FastifyPluginAsyncTypebox<TimelineAlertsDeps> = async (app, deps) => {
  app.post(
    '/timelineAlerts',
    {
      onRequest: deps.guard(),
      schema: {
        tags: ['client'],
        summary: 'Targets with activity after a cursor, and the new cursor (catch-up after a reconnect)',
        security: [{ token: [] }],
        body: Body,
        response: { 200: Envelope(Answer), ...errorResponses },
      },
    },
    async (request) => {
      const seat = deps.access.seatFor(currentUser(request), Number(request.body.custServId));
      const result = timelineAlerts(deps.db, seat.id, request.body.since);
      return ok({
        cursor: result.cursor,
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
