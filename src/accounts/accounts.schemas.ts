import { Type } from '@sinclair/typebox';
import { ACCOUNT_STATUSES } from '../db/schema.js';
import { Envelope, errorResponses, Id } from '../http/envelope.schemas.js';

export const GetAccountsBody = Type.Object({}, { description: 'no fields; an empty object' });

export const AccountItem = Type.Object({
  accountId: Id,
  phone: Type.String(),
  platform: Type.Union([Type.Literal('whatsapp'), Type.Literal('telegram')]),
  status: Type.Unsafe<(typeof ACCOUNT_STATUSES)[number]>({ type: 'string', enum: [...ACCOUNT_STATUSES] }),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  custServId: Type.Union([Id, Type.Null()], { description: 'the seat the account is assigned to' }),
  unread: Type.Integer({ description: "unread inbound messages in the conversations the account's seat owns" }),
});

export const GetAccountsResponse = { 200: Envelope(Type.Array(AccountItem)), ...errorResponses };
