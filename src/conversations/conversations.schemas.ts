// Wire shapes of the seat's conversation lists (getConversations, getConvTargets, timeline)
// and of retrievePastRecords, which keeps the export's own spellings.
import { Type, type Static } from '@sinclair/typebox';
import { CONV_TYPES, MESSAGE_STATUSES, type ConvType } from '../db/schema.js';
import { Envelope, errorResponses, Id, PageFields, Paged } from '../http/envelope.schemas.js';
import { DAY_PATTERN } from '../time.js';

// A plain string enum, so a bad value is reported as "must be one of …" naming the field.
export const ConvTypeSchema = Type.Unsafe<ConvType>({ type: 'string', enum: [...CONV_TYPES] });
export const Day = Type.String({ pattern: DAY_PATTERN, description: 'YYYY-MM-DD in TZ_NAME' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ConversationItem = Type.Object({
  receId: Id,
  receName: Type.String(),
  accountId: Id,
  convType: ConvTypeSchema,
  lastContent: Nullable(Type.String()),
  lastContentType: Nullable(Type.String()),
  lastSendTime: Nullable(Type.String({ description: 'Java Date.toString() in TZ_NAME' })),
  lastSendTimeMs: Type.Union([Type.Integer(), Type.Null()]),
  unread: Type.Integer(),
  cursor: Type.Integer({ description: 'cursor of the latest activity on this conversation' }),
});
export type ConversationItem = Static<typeof ConversationItem>;

export const GetConversationsBody = Type.Object({
  custServId: Id,
  date: Type.Optional(Day),
});

export const GetConversationsResponse = { 200: Envelope(Type.Array(ConversationItem)), ...errorResponses };

export const GetConvTargetsBody = Type.Object({
  custServId: Id,
  convType: ConvTypeSchema,
  accountId: Type.Optional(Id),
  ...PageFields,
});

export const GetConvTargetsResponse = { 200: Envelope(Paged(ConversationItem)), ...errorResponses };

export const TimelineBody = Type.Object({
  custServId: Id,
  date: Type.Optional(Day),
  ...PageFields,
});

export const TimelineResponse = {
  200: Envelope(
    Type.Composite([
      Paged(ConversationItem),
      Type.Object({
        cursor: Type.Integer({ description: 'hub cursor to resume from with timelineAlerts `since`' }),
        seq: Type.Integer({ description: "the seat's stream position to resume from with timelineAlerts `sinceSeq`" }),
      }),
    ]),
  ),
  ...errorResponses,
};

// retrievePastRecords: the export names the date `oocDate` in the request and `occDate` in
// the answer, and pages with `pageno`; both are kept as they are.
export const RetrievePastRecordsBody = Type.Object({
  custServId: Id,
  receId: Id,
  oocDate: Type.Optional(Day),
  convType: Type.Optional(ConvTypeSchema),
  ...PageFields,
});

export const PastRecord = Type.Object({
  contentType: Type.String(),
  content: Type.String(),
  sendTime: Type.String({ description: 'Java Date.toString() in TZ_NAME' }),
  contReadState: Type.Union([Type.Literal('0'), Type.Literal('1')]),
  sender: Type.Union([Type.Literal(0), Type.Literal(1)]),
  msgId: Id,
  sendTimeMs: Type.Integer(),
  status: Type.Unsafe<(typeof MESSAGE_STATUSES)[number]>({ type: 'string', enum: [...MESSAGE_STATUSES] }),
  thumb: Nullable(Type.String()),
});

export const PastRecords = Type.Object({
  custServId: Id,
  convType: ConvTypeSchema,
  occDate: Type.String(),
  receId: Id,
  lastSendTime: Nullable(Type.String({ description: "the target's last message on occDate; null when none" })),
  receName: Type.String(),
  total: Type.Integer(),
  pageno: Type.Integer(),
  pageSize: Type.Integer(),
  contGroups: Type.Array(PastRecord),
});

export const RetrievePastRecordsResponse = { 200: Envelope(PastRecords), ...errorResponses };
