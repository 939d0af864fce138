import { Type } from '@sinclair/typebox';
import { Envelope, ErrorEnvelope, Id, errorResponses } from '../http/envelope.schemas.js';

export const TransferSeatsQuery = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 64, description: 'part of the name or username; empty lists every seat' })) },
  { additionalProperties: false },
);

export const TransferSeat = Type.Object({
  custServId: Id,
  name: Type.String(),
  username: Type.String(),
  online: Type.Boolean({ description: 'at least one socket of that seat is connected, on any instance' }),
});

export const TransferBody = Type.Object(
  {
    receId: Id,
    toCustServId: Id,
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    requestId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'idempotency key: a retry with the same key answers the first transferId' }),
    ),
  },
  { additionalProperties: false },
);

export const TransferHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});

export const TransferSourceBody = Type.Object({ receId: Id }, { additionalProperties: false });

export const TransferSource = Type.Object({
  fromCustServId: Id,
  fromName: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  transferTime: Type.String({ description: 'Java Date.toString() in TZ_NAME' }),
  transferTimeMs: Type.Integer(),
});

export const TransferSeatsResponse = { 200: Envelope(Type.Array(TransferSeat)), ...errorResponses };
export const TransferResponse = { 200: Envelope(Type.Object({ transferId: Id })), ...errorResponses, 409: ErrorEnvelope };
export const TransferSourceResponse = { 200: Envelope(TransferSource), ...errorResponses };
