import { Type } from '@sinclair/typebox';
import { Envelope, ErrorEnvelope, Id, errorResponses } from '../http/envelope.schemas.js';
import { DAY_PATTERN } from '../time.js';
import { MAX_FAN_DELTA } from './fans.js';

export const FansBody = Type.Object(
  {
    accountId: Id,
    delta: Type.Integer({ minimum: -MAX_FAN_DELTA, maximum: MAX_FAN_DELTA, description: 'nonzero; today\'s count never goes below zero' }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const FanCountBody = Type.Object(
  {
    custServId: Id,
    from: Type.Optional(Type.String({ pattern: DAY_PATTERN, description: 'YYYY-MM-DD in TZ_NAME; defaults to `to`' })),
    to: Type.Optional(Type.String({ pattern: DAY_PATTERN, description: 'YYYY-MM-DD in TZ_NAME; defaults to today' })),
  },
  { additionalProperties: false },
);

const DayCount = Type.Object({ date: Type.String(), count: Type.Integer() });

export const FansResponse = { 200: Envelope(DayCount), ...errorResponses, 409: ErrorEnvelope };
export const FanCountResponse = { 200: Envelope(Type.Array(DayCount)), ...errorResponses };
