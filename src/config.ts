// The one place that reads the environment. Everything else receives a typed Config.
import { randomBytes } from 'node:crypto';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** FULL trades write speed for durability across power loss; NORMAL is safe across crashes in WAL. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  redisUrl: string | undefined;
  protocolSecret: string;
  /** True when no PROTOCOL_SECRET was given and one was generated for this run. */
  protocolSecretGenerated: boolean;
  protocolUrl: string | undefined;
  translateUrl: string | undefined;
  mediaDir: string;
  /** Browser origins allowed to open sockets; clients that send no Origin are always accepted. */
  allowedOrigins: string[];
  tzName: string;
  tokenTtlHours: number;
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  adminUser: string | undefined;
  adminPassword: string | undefined;
  /** Inbound demo messages per minute played by the sandbox bridge; 0 (default) plays none. */
  sandboxInboundPerMinute: number;
  /** `ip2world` or unset: where POST /xd/admin/proxies/fetch and auto-assignment get new proxies. */
  proxyProvider: 'ip2world' | undefined;
  /** The provider's extraction URL with {count}, {country} and {protocol} placeholders. */
  proxyProviderUrl: string | undefined;
  proxyProviderTimeoutMs: number;
  /** host:port every proxy check tunnels to. Unset outside production unless configured, so nothing is dialled by default. */
  proxyCheckTarget: { host: string; port: number } | undefined;
  proxyCheckTimeoutMs: number;
  /** Seconds between background checks of the whole pool; 0 = off. */
  proxyCheckIntervalS: number;
  /** Length of the "minute" group pulls are paced by; only tests shorten it. */
  groupPullMinuteMs: number;
}

export class ConfigError extends Error {
  constructor(variable: string, rule: string, value: string | undefined) {
    const shown = value === undefined ? 'unset' : JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
    super(`invalid configuration: ${variable} ${rule} (got ${shown})`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value.trim() !== value) throw new ConfigError(name, 'must not have surrounding spaces', value);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer ${min}..${max}`, raw);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be an integer ${min}..${max}`, raw);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}`, raw);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')})`, raw);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')})`, raw);
  }
  return raw.replace(/\/+$/, '');
}

function timeZone(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new ConfigError(name, 'must be an IANA time zone such as Asia/Shanghai', value);
  }
  return value;
}

/** Standard Webhooks secrets are `whsec_` + base64 of the key bytes; we require ≥ 24 key bytes. */
export function isValidWebhookSecret(secret: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!match?.[1]) return false;
  return Buffer.from(match[1], 'base64').length >= 24;
}

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `host:port`; IPv6 hosts in brackets (`[::1]:1080`). */
function hostPort(env: Env, name: string, fallback: string | undefined): { host: string; port: number } | undefined {
  const raw = optional(env, name) ?? fallback;
  if (raw === undefined) return undefined;
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new ConfigError(name, 'must be host:port', raw);
  return { host: (match[1] ?? match[2])!, port };
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const production = nodeEnv === 'production';

  const rawSecret = optional(env, 'PROTOCOL_SECRET');
  if (rawSecret !== undefined && !isValidWebhookSecret(rawSecret)) {
    throw new ConfigError('PROTOCOL_SECRET', 'must be whsec_ followed by base64 of at least 24 bytes', '<hidden>');
  }
  if (rawSecret === undefined && production) {
    throw new ConfigError('PROTOCOL_SECRET', 'is required when NODE_ENV=production', undefined);
  }

  const origins = optional(env, 'ALLOWED_ORIGINS');
  const allowedOrigins = origins === undefined ? [] : origins.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of allowedOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError('ALLOWED_ORIGINS', 'must be a comma-separated list of origins like https://console.example.com', origin);
    }
  }

  const adminUser = optional(env, 'HUB_ADMIN_USER');
  const adminPassword = optional(env, 'HUB_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('HUB_ADMIN_PASSWORD', 'must be at least 8 characters', '<hidden>');
  }

  const proxyProvider = optional(env, 'PROXY_PROVIDER') === undefined ? undefined : oneOf(env, 'PROXY_PROVIDER', ['ip2world'] as const, 'ip2world');
  const proxyProviderUrl = url(env, 'PROXY_PROVIDER_URL', ['http:', 'https:']);
  if (proxyProvider !== undefined && proxyProviderUrl === undefined) {
    throw new ConfigError('PROXY_PROVIDER_URL', 'is required when PROXY_PROVIDER is set', undefined);
  }

  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    databasePath: text(env, 'DATABASE_PATH', './data/hub.db'),
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['NORMAL', 'FULL'] as const, 'NORMAL'),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    protocolSecret: rawSecret ?? generateWebhookSecret(),
    protocolSecretGenerated: rawSecret === undefined,
    protocolUrl: url(env, 'PROTOCOL_URL', ['http:', 'https:']),
    translateUrl: url(env, 'TRANSLATE_URL', ['http:', 'https:']),
    mediaDir: text(env, 'MEDIA_DIR', './data/media'),
    allowedOrigins,
    tzName: timeZone(env, 'TZ_NAME', 'Asia/Shanghai'),
    tokenTtlHours: integer(env, 'TOKEN_TTL_HOURS', 168, 1, 24 * 365),
    nodeEnv,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    adminUser,
    adminPassword,
    sandboxInboundPerMinute: integer(env, 'SANDBOX_INBOUND_PER_MINUTE', 0, 0, 60_000),
    proxyProvider,
    proxyProviderUrl,
    proxyProviderTimeoutMs: integer(env, 'PROXY_PROVIDER_TIMEOUT_MS', 10_000, 50, 120_000),
    // Outside production nothing is dialled unless an operator names the target.
    proxyCheckTarget: hostPort(env, 'PROXY_CHECK_TARGET', production ? 'www.google.com:443' : undefined),
    proxyCheckTimeoutMs: integer(env, 'PROXY_CHECK_TIMEOUT_MS', 5000, 50, 60_000),
    proxyCheckIntervalS: integer(env, 'PROXY_CHECK_INTERVAL_S', production ? 300 : 0, 0, 86_400),
    groupPullMinuteMs: integer(env, 'GROUP_PULL_MINUTE_MS', 60_000, 50, 3_600_000),
  };
}
