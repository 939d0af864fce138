import { Type } from '@sinclair/typebox';
import { Envelope, ErrorEnvelope, Id, Paged, PageFields, errorResponses } from '../http/envelope.schemas.js';

const Status = Type.Union(['queued', 'running', 'paused', 'done', 'failed', 'cancelled'].map((s) => Type.Literal(s)));

export const CreateGroupPullBody = Type.Object({
  accountId: Id,
  groupName: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a new group; exactly one of groupName and groupId' })),
  groupId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "an existing group's bridge id" })),
  members: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 1000, description: 'E.164 numbers; invalid or repeated ones are skipped' }),
  perMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 10 })),
});

export const GroupPullListQuery = Type.Object({
  status: Type.Optional(Status),
  accountId: Type.Optional(Id),
  ...PageFields,
  pageSize: Type.Optional(PageFields.pageSize),
});

export const TaskParams = Type.Object({ taskId: Id });

export const GroupPullRow = Type.Object({
  taskId: Id,
  accountId: Id,
  groupId: Type.Union([Type.String(), Type.Null()]),
  groupName: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  perMinute: Type.Integer(),
  total: Type.Integer(),
  added: Type.Integer(),
  invited: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
  createdAt: Type.Integer({ description: 'epoch ms' }),
  finishedAt: Type.Union([Type.Integer(), Type.Null()]),
});

const Member = Type.Object({ phone: Type.String(), state: Type.String(), reason: Type.Union([Type.String(), Type.Null()]) });

export const GroupPullResponses = {
  create: { 200: Envelope(Type.Object({ taskId: Id })), ...errorResponses },
  list: { 200: Envelope(Paged(GroupPullRow)), ...errorResponses },
  get: { 200: Envelope(Type.Intersect([GroupPullRow, Type.Object({ members: Type.Array(Member) })])), ...errorResponses },
  change: { 200: Envelope(GroupPullRow), ...errorResponses, 409: ErrorEnvelope },
};
