// GET /xd/admin/audit: the audit log, newest first, for master and admin.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Guard } from '../auth/auth.guard.js';
import { Envelope, Id, PageFields, Paged, errorResponses, pageOf } from '../http/envelope.schemas.js';
import { badRequest, ok } from '../http/errors.js';
import { DAY_PATTERN, dayRange, isValidDay } from '../time.js';
import type { AuditRepository } from './audit.repository.js';

export interface AuditRoutesDeps {
  audit: AuditRepository;
  guard: Guard;
  tzName: string;
}

const Day = Type.String({ pattern: DAY_PATTERN, description: 'YYYY-MM-DD in TZ_NAME' });

const AuditRow = Type.Object({
  auditId: Id,
  actorId: Type.Union([Id, Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  subject: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown(), { description: 'changed fields as {field: {before, after}}; never a password' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  at: Type.Integer({ description: 'epoch milliseconds' }),
});

export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesDeps> = async (app, deps) => {
  app.get(
    '/audit',
    {
      onRequest: deps.guard('master', 'admin'),
      schema: {
        tags: ['admin'],
        summary: 'The audit log, newest first (master, admin)',
        security: [{ token: [] }],
        querystring: Type.Object({
          actorId: Type.Optional(Id),
          action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          from: Type.Optional(Day),
          to: Type.Optional(Day),
          pageNo: PageFields.pageNo,
          pageno: PageFields.pageno,
          pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
        }),
        response: { 200: Envelope(Paged(AuditRow)), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      for (const field of ['from', 'to'] as const) {
        const day = q[field];
        if (day !== undefined && !isValidDay(day)) throw badRequest(field, 'is not a calendar day');
      }
      if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw badRequest('to', 'must not be before from');
      const page = pageOf(q);
      const { rows, total } = await deps.audit.list({
        actorId: q.actorId === undefined ? undefined : Number(q.actorId),
        action: q.action,
        // Both days inclusive.
        from: q.from === undefined ? undefined : dayRange(q.from, deps.tzName).start,
        to: q.to === undefined ? undefined : dayRange(q.to, deps.tzName).end,
        offset: page.offset,
        limit: page.pageSize,
      });
      return ok({
        rows: rows.map(({ row, actorName }) => ({
          auditId: String(row.id),
          actorId: row.actorId === null ? null : String(row.actorId),
          actorName,
          action: row.action,
          subject: row.subject,
          detail: JSON.parse(row.detail) as Record<string, unknown>,
          ip: row.ip,
          at: row.createdAt,
        })),
        total,
        pageno: page.pageno,
        pageSize: page.pageSize,
      });
    },
  );
};
