import { Type } from '@sinclair/typebox';
import { ConvTypeSchema } from '../conversations/conversations.schemas.js';
import { Envelope, errorResponses, Id } from '../http/envelope.schemas.js';

export const QuickSearchQuery = Type.Object({
  keyword: Type.String({ minLength: 1, maxLength: 100, description: 'text to find; surrounding spaces are ignored' }),
});

export const QuickSearchResult = Type.Object({
  targets: Type.Array(Type.Object({ receId: Id, receName: Type.String(), accountId: Id, convType: ConvTypeSchema })),
  messages: Type.Array(
    Type.Object({
      msgId: Id,
      receId: Id,
      receName: Type.String(),
      content: Type.String(),
      contentType: Type.String(),
      sender: Type.Union([Type.Literal(0), Type.Literal(1)]),
      sendTime: Type.String({ description: 'Java Date.toString() in TZ_NAME' }),
      sendTimeMs: Type.Integer(),
    }),
  ),
  match: Type.Union([Type.Literal('fulltext'), Type.Literal('short')], {
    description: '`short` for keywords under 3 characters: names among recent conversations, and the seat\'s own messages of the last 30 days',
  }),
});

export const QuickSearchResponse = { 200: Envelope(QuickSearchResult), ...errorResponses };
