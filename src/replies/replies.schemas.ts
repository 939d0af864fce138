// Wire schemas of quick replies and content management.
import { Type } from '@sinclair/typebox';
import { Envelope, Id, PageFields, Paged, errorResponses } from '../http/envelope.schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const CONTENT_TYPES = ['1', '2', '3', '4', '5', '6'] as const;

export const CreateContentBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    body: Type.String({ maxLength: 4000 }),
    contentType: Type.Optional(Type.Union(CONTENT_TYPES.map((c) => Type.Literal(c)), { description: '1 text (default), 2 image, 3 voice, 4 video, 5 file, 6 link' })),
    mediaUrl: Type.Optional(Type.String({ maxLength: 2000, pattern: '^(https?://\\S+|/xd/media/[A-Za-z0-9._-]+)$', description: 'required for non-text content' })),
    shortcut: Type.Optional(Type.String({ pattern: '^\\S{1,32}$', description: 'typed after / in the console, e.g. "hi"' })),
    scope: Type.Union([Type.Literal('seat'), Type.Literal('branch')], { description: 'branch: branch managers only, for their branch' }),
  },
  { additionalProperties: false },
);

export const ContentParams = Type.Object({ contentId: Id });

export const QuickReply = Type.Object({
  contentId: Id,
  title: Type.String(),
  body: Type.String(),
  contentType: Type.String(),
  mediaUrl: Nullable(Type.String()),
  shortcut: Nullable(Type.String()),
  scope: Type.Union([Type.Literal('seat'), Type.Literal('branch')]),
});

const Keyword = Type.String({ minLength: 1, maxLength: 100 });

export const QuickRepliesQuery = Type.Object({
  keyword: Type.Optional(Type.String({ maxLength: 100 })),
  pageNo: PageFields.pageNo,
  pageno: PageFields.pageno,
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});

export const SearchQuickRepliesBody = Type.Object({ keyword: Keyword, ...PageFields }, { additionalProperties: false });

export const ReplyResponses = {
  create: { 200: Envelope(Type.Object({ contentId: Id })), ...errorResponses },
  remove: { 200: Envelope(Type.Object({ contentId: Id })), ...errorResponses },
  list: { 200: Envelope(Paged(QuickReply)), ...errorResponses },
};
