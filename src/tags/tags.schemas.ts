// Wire schemas of the seat-tag routes.
import { Type } from '@sinclair/typebox';
import { Envelope, ErrorEnvelope, Id, PageFields, Paged, errorResponses } from '../http/envelope.schemas.js';

export const TagName = Type.String({ minLength: 1, maxLength: 32, pattern: '\\S', description: 'unique per seat' });
export const TagColor = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'CSS hex colour such as #ff8800' });

export const TagRow = Type.Object({
  tagId: Id,
  name: Type.String(),
  color: Type.Union([Type.String(), Type.Null()]),
  targets: Type.Integer({ description: 'tagged targets the seat owns' }),
});

export const CreateTagBody = Type.Object({ name: TagName, color: Type.Optional(TagColor) }, { additionalProperties: false });
export const TagParams = Type.Object({ tagId: Id });

export const TargetsByTagBody = Type.Object({ tagId: Id, ...PageFields }, { additionalProperties: false });

export const TaggedTarget = Type.Object({
  receId: Id,
  receName: Type.String(),
  accountId: Id,
  convType: Type.String(),
  lastContent: Type.Union([Type.String(), Type.Null()]),
  lastSendTime: Type.Union([Type.String(), Type.Null()]),
  lastSendTimeMs: Type.Union([Type.Integer(), Type.Null()]),
  unread: Type.Integer(),
});

export const TargetTagsBody = Type.Object(
  { receId: Id, tagIds: Type.Array(Id, { maxItems: 100, description: 'the complete set of your tags for this target' }) },
  { additionalProperties: false },
);

export const TagResponses = {
  list: { 200: Envelope(Type.Array(TagRow)), ...errorResponses },
  create: { 200: Envelope(Type.Object({ tagId: Id })), ...errorResponses, 409: ErrorEnvelope },
  remove: { 200: Envelope(Type.Object({ tagId: Id, untagged: Type.Integer() })), ...errorResponses },
  targets: { 200: Envelope(Paged(TaggedTarget)), ...errorResponses },
  replace: { 200: Envelope(Type.Object({ receId: Id, tagIds: Type.Array(Id) })), ...errorResponses },
};
