// Shared by the socket events and their REST twins, so both validate the same way.
import { Type } from '@sinclair/typebox';
import { Envelope, errorResponses, ErrorEnvelope, Id } from '../http/envelope.schemas.js';

export const SendInput = Type.Object({
  accountId: Id,
  receId: Id,
  contentType: Type.String({ pattern: '^[1-9]$' }),
  content: Type.String({ minLength: 1, maxLength: 16_384 }),
  clientMsgId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' }),
});

export const SendAnswer = Type.Object({ msgId: Id, status: Type.String() });
export const SendResponse = { 200: Envelope(SendAnswer), ...errorResponses };

export const ReadInput = Type.Object({ receId: Id });

export const UpdateInput = Type.Object({
  receId: Id,
  msgIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 500 })),
  contReadState: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
  action: Type.Optional(Type.Union([Type.Literal('read'), Type.Literal('recall')])),
});

export const UpdateResponse = { 200: Envelope(Type.Object({ updated: Type.Integer() })), ...errorResponses, 409: ErrorEnvelope };
