// The one place that reads the environment. Everything else receives a typed Config.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** postgres://… puts the hub's data in PostgreSQL; unset keeps the SQLite file at databasePath. */
  databaseUrl: string | undefined;
  /** PostgreSQL connections per hub process. */
  pgPoolMax: number;
  /** FULL trades write speed for durability across power loss; NORMAL is safe across crashes in WAL. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  redisUrl: string | undefined;
  /** How each Redis connection notices a Redis that stopped answering (see redis-adapter.ts). */
  redis: RedisTimeouts;
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
  /** Token lifetime in seconds: TOKEN_TTL_SECONDS when set (short-lived tokens), else TOKEN_TTL_HOURS. */
  tokenTtlSeconds: number;
  /** Proxies whose X-Forwarded-For is believed (addresses, CIDRs, or loopback/linklocal/uniquelocal); empty: none. */
  trustedProxies: string[];
  /** How often each instance reads revoked tokens and disabled users from the database. */
  sessionCheckIntervalMs: number;
  login: LoginLimits;
  /** Unsent bytes a socket may hold before it is dropped (it catches up by cursor when it returns). */
  socketOutboundLimitBytes: number;
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
  /** Addresses and CIDRs allowed to read GET /metrics. */
  metricsAllow: string[];
  /** Load shedding thresholds; 0 turns a check off. */
  pressure: { maxEventLoopDelayMs: number; maxHeapMb: number; maxRssMb: number; retryAfterSeconds: number };
  /** How long one call to the bridge (send, relogin, QR, group calls) may take before it counts as failed. */
  bridgeTimeoutMs: number;
  /** Which bridge runs the accounts: the built-in sandbox, the hub protocol, WAHA or Evolution API. */
  bridgeDriver: BridgeDriver;
  waha: { url: string; apiKey: string | undefined; webhookHmacKey: string } | undefined;
  evolution: { url: string; apiKey: string; webhookSecret: string } | undefined;
}

export interface RedisTimeouts {
  /** A command (a publish, a probe PING, a login-limit count) unanswered this long fails and drops the connection. */
  commandTimeoutMs: number;
  /** How often an idle publishing connection is probed with a PING. */
  probeIntervalMs: number;
  /** TCP keep-alive delay of every Redis connection (finds peers gone without a FIN). */
  keepAliveMs: number;
}

export const BRIDGE_DRIVERS = ['sandbox', 'hub', 'waha', 'evolution'] as const;
export type BridgeDriver = (typeof BRIDGE_DRIVERS)[number];

export interface LoginLimits {
  /** Failed logins per username (over every address) within the window before 429. */
  maxFailuresPerUser: number;
  /** Failed logins per client address within the window before 429. */
  maxFailuresPerAddress: number;
  windowSeconds: number;
  /** Password hashes computed at once; more wait in a short queue, and a full queue answers 503. */
  hashConcurrency: number;
  hashQueue: number;
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

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function trustedProxies(env: Env, name: string): string[] {
  const raw = optional(env, name);
  if (raw === undefined) return [];
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!NAMED_RANGES.includes(entry) && (family === 0 || !bitsOk || extra !== undefined)) {
      throw new ConfigError(name, 'must be a comma-separated list of IP addresses or CIDRs (or loopback, linklocal, uniquelocal)', entry);
    }
  }
  return entries;
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

/** An IPv4/IPv6 address or CIDR (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function addressList(env: Env, name: string, fallback: string[]): string[] {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!isAddressOrCidr(entry)) throw new ConfigError(name, 'must be a comma-separated list of IP addresses or CIDRs', entry);
  }
  return entries;
}

function required<T>(value: T | undefined, name: string, driver: string): T {
  if (value === undefined) throw new ConfigError(name, `is required when BRIDGE_DRIVER=${driver}`, undefined);
  return value;
}

/** The driver and its settings; a driver's own variables are required only when it is chosen. */
function bridgeSettings(env: Env, protocolUrl: string | undefined) {
  const bridgeDriver = oneOf(env, 'BRIDGE_DRIVER', BRIDGE_DRIVERS, protocolUrl ? 'hub' : 'sandbox');
  if (bridgeDriver === 'hub') required(protocolUrl, 'PROTOCOL_URL', 'hub');
  const secretOf = (name: string) => {
    const value = optional(env, name);
    if (value !== undefined && value.length < 16) throw new ConfigError(name, 'must be at least 16 characters', '<hidden>');
    return value;
  };
  const waha =
    bridgeDriver === 'waha'
      ? {
          url: required(url(env, 'WAHA_URL', ['http:', 'https:']), 'WAHA_URL', 'waha'),
          apiKey: optional(env, 'WAHA_API_KEY'),
          webhookHmacKey: required(secretOf('WAHA_WEBHOOK_HMAC_KEY'), 'WAHA_WEBHOOK_HMAC_KEY', 'waha'),
        }
      : undefined;
  const evolution =
    bridgeDriver === 'evolution'
      ? {
          url: required(url(env, 'EVOLUTION_URL', ['http:', 'https:']), 'EVOLUTION_URL', 'evolution'),
          apiKey: required(optional(env, 'EVOLUTION_API_KEY'), 'EVOLUTION_API_KEY', 'evolution'),
          webhookSecret: required(secretOf('EVOLUTION_WEBHOOK_SECRET'), 'EVOLUTION_WEBHOOK_SECRET', 'evolution'),
        }
      : undefined;
  return { bridgeDriver, waha, evolution };
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

  const protocolUrl = url(env, 'PROTOCOL_URL', ['http:', 'https:']);
  const tokenTtlHours = integer(env, 'TOKEN_TTL_HOURS', 168, 1, 24 * 365);
  const tokenTtlSeconds = integer(env, 'TOKEN_TTL_SECONDS', tokenTtlHours * 3600, 1, 24 * 365 * 3600);
  const proxyProvider = optional(env, 'PROXY_PROVIDER') === undefined ? undefined : oneOf(env, 'PROXY_PROVIDER', ['ip2world'] as const, 'ip2world');
  const proxyProviderUrl = url(env, 'PROXY_PROVIDER_URL', ['http:', 'https:']);
  if (proxyProvider !== undefined && proxyProviderUrl === undefined) {
    throw new ConfigError('PROXY_PROVIDER_URL', 'is required when PROXY_PROVIDER is set', undefined);
  }

  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    databasePath: text(env, 'DATABASE_PATH', './data/hub.db'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    pgPoolMax: integer(env, 'PG_POOL_MAX', 10, 1, 1000),
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['NORMAL', 'FULL'] as const, 'NORMAL'),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redis: {
      commandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', 1500, 50, 60_000),
      probeIntervalMs: integer(env, 'REDIS_PROBE_INTERVAL_MS', 1000, 50, 60_000),
      keepAliveMs: integer(env, 'REDIS_KEEPALIVE_MS', 10_000, 1000, 3_600_000),
    },
    protocolSecret: rawSecret ?? generateWebhookSecret(),
    protocolSecretGenerated: rawSecret === undefined,
    protocolUrl,
    translateUrl: url(env, 'TRANSLATE_URL', ['http:', 'https:']),
    mediaDir: text(env, 'MEDIA_DIR', './data/media'),
    allowedOrigins,
    tzName: timeZone(env, 'TZ_NAME', 'Asia/Shanghai'),
    tokenTtlHours,
    tokenTtlSeconds,
    trustedProxies: trustedProxies(env, 'TRUSTED_PROXIES'),
    sessionCheckIntervalMs: integer(env, 'SESSION_CHECK_INTERVAL_MS', 1000, 50, 1000),
    login: {
      maxFailuresPerUser: integer(env, 'LOGIN_MAX_FAILURES_PER_USER', 10, 1, 10_000),
      maxFailuresPerAddress: integer(env, 'LOGIN_MAX_FAILURES_PER_ADDRESS', 50, 1, 100_000),
      windowSeconds: integer(env, 'LOGIN_FAILURE_WINDOW_S', 900, 1, 86_400),
      hashConcurrency: integer(env, 'LOGIN_HASH_CONCURRENCY', 4, 1, 64),
      hashQueue: integer(env, 'LOGIN_HASH_QUEUE', 16, 0, 10_000),
    },
    socketOutboundLimitBytes: integer(env, 'SOCKET_OUTBOUND_LIMIT_BYTES', 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    nodeEnv,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    adminUser,
    adminPassword,
    sandboxInboundPerMinute: integer(env, 'SANDBOX_INBOUND_PER_MINUTE', 0, 0, 60_000),
    metricsAllow: addressList(env, 'METRICS_ALLOW', ['127.0.0.1', '::1']),
    pressure: {
      // On in production only: a test or a laptop under load must not shed its own requests.
      maxEventLoopDelayMs: integer(env, 'PRESSURE_MAX_EVENT_LOOP_DELAY_MS', production ? 1000 : 0, 0, 60_000),
      maxHeapMb: integer(env, 'PRESSURE_MAX_HEAP_MB', 0, 0, 1_048_576),
      maxRssMb: integer(env, 'PRESSURE_MAX_RSS_MB', 0, 0, 1_048_576),
      retryAfterSeconds: integer(env, 'PRESSURE_RETRY_AFTER_S', 10, 1, 3600),
    },
    ...bridgeSettings(env, protocolUrl),
    bridgeTimeoutMs: integer(env, 'BRIDGE_TIMEOUT_MS', 5000, 50, 120_000),
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
