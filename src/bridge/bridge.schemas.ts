// TypeBox schemas of the bridge's calls to the hub (API.md "Protocol bridge").
import { Type } from '@sinclair/typebox';
import { Envelope, errorResponses, ErrorEnvelope, Id } from '../http/envelope.schemas.js';
import { ACCOUNT_STATUSES, CONV_TYPES } from '../db/schema.js';

const Phone = Type.String({ minLength: 1, maxLength: 32 });
const BridgeMsgId = Type.String({ minLength: 1, maxLength: 128 });
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const MessageCallbackBody = Type.Object({
  phone: Phone,
  msgId: BridgeMsgId,
  direction: literals(['in', 'out'] as const),
  from: Type.Object({
    id: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.Optional(Type.String({ maxLength: 256 })),
    convType: Type.Optional(literals(CONV_TYPES)),
  }),
  contentType: Type.String({ pattern: '^[1-9]$' }),
  content: Type.String({ maxLength: 65_536 }),
  thumb: Type.Optional(Type.String({ maxLength: 512 * 1024 })),
  mediaRef: Type.Optional(Type.String({ maxLength: 1024 })),
  sendTime: Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'epoch milliseconds' }),
});

const NullableId = Type.Union([Id, Type.Null()]);
const signedErrors = { ...errorResponses, 401: ErrorEnvelope, 409: ErrorEnvelope };

export const MessageCallbackResponse = {
  200: Envelope(Type.Object({ msgId: NullableId, receId: NullableId, duplicate: Type.Boolean() })),
  ...signedErrors,
};

export const MessageStatusBody = Type.Object({
  phone: Phone,
  msgId: BridgeMsgId,
  status: literals(['sent', 'delivered', 'read', 'failed'] as const),
  reason: Type.Optional(Type.String({ maxLength: 1024 })),
});

export const MessageStatusResponse = {
  200: Envelope(
    Type.Object({
      msgId: NullableId,
      status: Type.Union([Type.String(), Type.Null()]),
      changed: Type.Boolean(),
      duplicate: Type.Boolean(),
    }),
  ),
  ...signedErrors,
};

export const PhoneStatusBody = Type.Object({
  phone: Phone,
  status: literals(ACCOUNT_STATUSES),
  reason: Type.Optional(Type.String({ maxLength: 1024 })),
});

export const PhoneStatusResponse = {
  200: Envelope(Type.Object({ accountId: NullableId, status: Type.Union([Type.String(), Type.Null()]), changed: Type.Boolean(), duplicate: Type.Boolean() })),
  ...signedErrors,
};

export const Proxy = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  protocol: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  password: Type.Union([Type.String(), Type.Null()]),
});

export const PhysicalIpBody = Type.Object({ phone: Phone });
export const PhysicalIpResponse = { 200: Envelope(Proxy), ...signedErrors };

export const AccountsBody = Type.Object({});
export const BridgeAccount = Type.Object({
  accountId: Id,
  phone: Type.String(),
  platform: Type.String(),
  status: Type.String(),
  proxy: Type.Union([Proxy, Type.Null()]),
});
export const AccountsResponse = { 200: Envelope(Type.Array(BridgeAccount)), ...signedErrors };

export const ReloginBody = Type.Object({ accountId: Id });
export const ReloginResponse = { 200: Envelope(Type.Object({ accountId: Id, requested: Type.Boolean() })), ...errorResponses, 503: ErrorEnvelope };
