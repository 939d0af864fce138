import { Type } from '@sinclair/typebox';
import { Envelope, ErrorEnvelope, Id, Paged, PageFields, errorResponses } from '../http/envelope.schemas.js';

const Host = Type.String({ pattern: '^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$', description: 'host name or IPv4 address' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Protocol = Type.Union([Type.Literal('http'), Type.Literal('socks5')]);
const Credential = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s:]+$', description: 'no spaces or colons' });
const Country = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166 two-letter code' });
const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000, description: 'epoch milliseconds' });
const MaxAccounts = Type.Integer({ minimum: 1, maximum: 1000 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ProxyRowSchema = Type.Object({
  proxyId: Id,
  host: Type.String(),
  port: Type.Integer(),
  protocol: Type.String(),
  username: Nullable(Type.String()),
  hasPassword: Type.Boolean({ description: 'the password itself is never returned' }),
  provider: Nullable(Type.String()),
  country: Nullable(Type.String()),
  status: Type.String({ description: 'unknown, ok, down, expired' }),
  statusReason: Nullable(Type.String()),
  latencyMs: Nullable(Type.Integer()),
  checkedAt: Nullable(Type.Integer()),
  expiresAt: Nullable(Type.Integer()),
  maxAccounts: Type.Integer(),
  accounts: Type.Integer({ description: 'accounts using it' }),
});

export const ProxyListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('unknown'), Type.Literal('ok'), Type.Literal('down'), Type.Literal('expired')])),
  provider: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  keyword: Type.Optional(Type.String({ maxLength: 100 })),
  ...PageFields,
  pageSize: Type.Optional(PageFields.pageSize),
});

export const CreateProxyBody = Type.Object({
  host: Host,
  port: Port,
  protocol: Protocol,
  username: Type.Optional(Credential),
  password: Type.Optional(Credential),
  country: Type.Optional(Country),
  expiresAt: Type.Optional(EpochMs),
  maxAccounts: Type.Optional(MaxAccounts),
});

export const UpdateProxyBody = Type.Object({
  host: Type.Optional(Host),
  port: Type.Optional(Port),
  protocol: Type.Optional(Protocol),
  username: Type.Optional(Nullable(Credential)),
  password: Type.Optional(Nullable(Credential)),
  country: Type.Optional(Nullable(Country)),
  expiresAt: Type.Optional(Nullable(EpochMs)),
  maxAccounts: Type.Optional(MaxAccounts),
});

export const ImportProxiesBody = Type.Object({
  protocol: Protocol,
  lines: Type.Union([Type.String({ maxLength: 1_000_000 }), Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 10_000 })], {
    description: 'one host:port[:username:password] per line, as text or a list',
  }),
  country: Type.Optional(Country),
  maxAccounts: Type.Optional(MaxAccounts),
});

export const FetchProxiesBody = Type.Object({
  count: Type.Integer({ minimum: 1, maximum: 100 }),
  country: Type.Optional(Country),
  protocol: Type.Optional(Protocol),
});

export const AutoAssignBody = Type.Object({ country: Type.Optional(Country) });

export const ProxyParams = Type.Object({ proxyId: Id });
export const AccountParams = Type.Object({ accountId: Id });

const withUnavailable = { ...errorResponses, 409: ErrorEnvelope, 503: ErrorEnvelope };

export const ProxyResponses = {
  list: { 200: Envelope(Paged(ProxyRowSchema)), ...errorResponses },
  create: { 200: Envelope(Type.Object({ proxyId: Id })), ...errorResponses, 409: ErrorEnvelope },
  import: {
    200: Envelope(
      Type.Object({
        created: Type.Integer(),
        skipped: Type.Array(Type.Object({ line: Type.Integer({ description: '1-based line number' }), reason: Type.String() })),
      }),
    ),
    ...errorResponses,
  },
  change: { 200: Envelope(Type.Object({ proxyId: Id })), ...errorResponses, 409: ErrorEnvelope },
  check: {
    200: Envelope(Type.Object({ status: Type.String(), latencyMs: Nullable(Type.Integer()), checkedAt: Type.Integer(), reason: Type.Optional(Type.String()) })),
    ...withUnavailable,
  },
  fetch: { 200: Envelope(Type.Object({ created: Type.Integer() })), ...withUnavailable },
  auto: { 200: Envelope(ProxyRowSchema), ...withUnavailable },
};
