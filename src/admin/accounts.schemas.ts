// Wire schemas of account administration.
import { Type } from '@sinclair/typebox';
import { ACCOUNT_STATUSES, PROXY_STATUSES } from '../db/schema.js';
import { Id } from '../http/envelope.schemas.js';
import { Millis } from './admin.schemas.js';

export const PHONE_PATTERN = '^\\+[1-9]\\d{6,14}$';
export const Phone = Type.String({ pattern: PHONE_PATTERN, description: 'E.164, e.g. +8613800000001' });
export const Platform = Type.Union([Type.Literal('whatsapp'), Type.Literal('telegram')]);
export const AccountStatusSchema = Type.Union(ACCOUNT_STATUSES.map((s) => Type.Literal(s)));
const NullableId = Type.Union([Id, Type.Null()]);

export const NewAccountBody = Type.Object(
  { phone: Phone, platform: Type.Optional(Platform), branchId: Id, seatId: Type.Optional(NullableId) },
  { additionalProperties: false },
);

export const UpdateAccountBody = Type.Object(
  {
    seatId: Type.Optional(NullableId),
    branchId: Type.Optional(Id),
    proxyId: Type.Optional(NullableId),
    disabled: Type.Optional(Type.Boolean()),
    bridgeSession: Type.Optional(
      Type.Union([Type.String({ pattern: '^[A-Za-z0-9_.@:-]{1,128}$', description: 'WAHA session / Evolution instance name' }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);

/** Rows are checked one by one (a bad row is skipped, not the request), so the shape here is loose. */
export const ImportBody = Type.Object(
  {
    accounts: Type.Array(
      Type.Object({
        phone: Type.Optional(Type.Unknown()),
        platform: Type.Optional(Type.Unknown()),
        branchId: Type.Optional(Type.Unknown()),
        seatId: Type.Optional(Type.Unknown()),
      }),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export const AccountListRow = Type.Object({
  accountId: Id,
  phone: Type.String(),
  platform: Platform,
  branchId: NullableId,
  seatId: NullableId,
  seatName: Type.Union([Type.String(), Type.Null()]),
  status: AccountStatusSchema,
  statusReason: Type.Union([Type.String(), Type.Null()]),
  proxyId: NullableId,
  proxyStatus: Type.Union([...PROXY_STATUSES.map((s) => Type.Literal(s)), Type.Null()], {
    description: "The assigned proxy's stored status (expired once the pool's pass has seen expiresAt go by); null without a proxy",
  }),
  disabled: Type.Boolean(),
  bridgeSession: Type.Union([Type.String(), Type.Null()]),
  createdAt: Millis,
});

export const ImportResult = Type.Object({
  created: Type.Integer(),
  skipped: Type.Array(Type.Object({ row: Type.Integer({ description: '0-based index in accounts' }), phone: Type.String(), reason: Type.String() })),
});
