import { Type } from '@sinclair/typebox';
import { Envelope, Id, errorResponses } from '../http/envelope.schemas.js';
import { DAY_PATTERN } from '../time.js';

export const SummaryInput = Type.Object({
  date: Type.Optional(Type.String({ pattern: DAY_PATTERN, description: 'YYYY-MM-DD in TZ_NAME; today by default' })),
  branchId: Type.Optional(Id),
});

const Seconds = Type.Union([Type.Number(), Type.Null()], { description: 'mean first-reply wait in seconds (one decimal); null when no run was answered that day' });

const SeatSummary = Type.Object({
  custServId: Id,
  name: Type.String(),
  online: Type.Boolean(),
  inbound: Type.Integer(),
  outbound: Type.Integer(),
  newFans: Type.Integer(),
  unreplied: Type.Integer(),
  avgFirstReplySeconds: Seconds,
});

export const SummaryResponse = {
  200: Envelope(
    Type.Object({
      date: Type.String(),
      inbound: Type.Integer(),
      outbound: Type.Integer(),
      newFans: Type.Integer(),
      activeTargets: Type.Integer({ description: 'targets with a message that day' }),
      unreplied: Type.Integer({ description: 'targets whose last message is inbound, now' }),
      avgFirstReplySeconds: Seconds,
      seatsOnline: Type.Integer(),
      seatsTotal: Type.Integer(),
      accountsOnline: Type.Integer(),
      accountsTotal: Type.Integer(),
      hourly: Type.Array(Type.Object({ hour: Type.Integer(), inbound: Type.Integer(), outbound: Type.Integer() })),
      seats: Type.Array(SeatSummary),
    }),
  ),
  ...errorResponses,
};
