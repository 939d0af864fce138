import { describe, expect, it } from 'vitest';
import { ConfigError, isValidWebhookSecret, loadConfig } from '../src/config.js';

const secret = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databasePath: './data/hub.db',
      databaseUrl: undefined,
      pgPoolMax: 10,
      redisUrl: undefined,
      mediaDir: './data/media',
      tzName: 'Asia/Shanghai',
      tokenTtlHours: 168,
      nodeEnv: 'development',
      protocolSecretGenerated: true,
    });
    expect(isValidWebhookSecret(config.protocolSecret)).toBe(true);
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer/],
    ['PORT', '70000', /PORT must be an integer 0\.\.65535/],
    ['TOKEN_TTL_HOURS', '0', /TOKEN_TTL_HOURS/],
    ['REDIS_URL', 'http://x', /REDIS_URL must be a URL/],
    ['DATABASE_URL', 'mysql://db/hub', /DATABASE_URL must be a URL \(postgres: or postgresql:\)/],
    ['PG_POOL_MAX', '0', /PG_POOL_MAX/],
    ['PROTOCOL_URL', 'not a url', /PROTOCOL_URL must be a URL/],
    ['TRANSLATE_URL', 'ftp://x', /TRANSLATE_URL/],
    ['TZ_NAME', 'Mars/Olympus', /TZ_NAME must be an IANA time zone/],
    ['NODE_ENV', 'staging', /NODE_ENV must be one of/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['PROTOCOL_SECRET', 'plain', /PROTOCOL_SECRET must be whsec_/],
    ['PROTOCOL_SECRET', `whsec_${Buffer.alloc(8).toString('base64')}`, /at least 24 bytes/],
    ['ALLOWED_ORIGINS', 'console.example.com', /ALLOWED_ORIGINS/],
    ['SQLITE_SYNCHRONOUS', 'OFF', /SQLITE_SYNCHRONOUS/],
    ['TRUSTED_PROXIES', '10.0.0.0/33', /TRUSTED_PROXIES must be a comma-separated list of IP addresses or CIDRs/],
    ['TRUSTED_PROXIES', 'proxy.example.com', /TRUSTED_PROXIES/],
    ['TRUSTED_PROXIES', '10.0.0.1, *', /TRUSTED_PROXIES/],
    ['TOKEN_TTL_SECONDS', '0', /TOKEN_TTL_SECONDS/],
    ['SESSION_CHECK_INTERVAL_MS', '5000', /SESSION_CHECK_INTERVAL_MS must be an integer 50\.\.1000/],
    ['SOCKET_OUTBOUND_LIMIT_BYTES', '100', /SOCKET_OUTBOUND_LIMIT_BYTES/],
    ['LOGIN_MAX_FAILURES_PER_USER', '0', /LOGIN_MAX_FAILURES_PER_USER/],
    ['REDIS_COMMAND_TIMEOUT_MS', '10', /REDIS_COMMAND_TIMEOUT_MS must be an integer 50\.\.60000/],
    ['REDIS_PROBE_INTERVAL_MS', 'soon', /REDIS_PROBE_INTERVAL_MS must be an integer/],
    ['REDIS_KEEPALIVE_MS', '0', /REDIS_KEEPALIVE_MS must be an integer 1000\.\./],
    ['BRIDGE_TIMEOUT_MS', '200000', /BRIDGE_TIMEOUT_MS must be an integer 50\.\.120000/],
  ])('rejects %s=%s with one line naming it', (name, value, pattern) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(pattern);
    expect(message).toContain(name);
    expect(message).not.toContain('\n');
  });

  it('requires PROTOCOL_SECRET in production and never echoes a secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PROTOCOL_SECRET is required/);
    const leaked = 'whsec_c2hvcnQ=';
    expect(() => loadConfig({ PROTOCOL_SECRET: leaked })).toThrow(ConfigError);
    try {
      loadConfig({ PROTOCOL_SECRET: leaked });
    } catch (e) {
      expect((e as Error).message).not.toContain(leaked);
    }
  });

  it('keeps a given secret and parses lists', () => {
    const config = loadConfig({
      PROTOCOL_SECRET: secret,
      ALLOWED_ORIGINS: 'https://a.example.com, http://localhost:5173',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PROTOCOL_URL: 'http://bridge.local:9000/',
      DATABASE_URL: 'postgres://hub@db.local:5432/hub',
    });
    expect(config.databaseUrl).toBe('postgres://hub@db.local:5432/hub');
    expect(config.protocolSecret).toBe(secret);
    expect(config.protocolSecretGenerated).toBe(false);
    expect(config.allowedOrigins).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(config.protocolUrl).toBe('http://bridge.local:9000');
  });

  it('trusts no proxy by default and takes addresses, CIDRs and named ranges', () => {
    const defaults = loadConfig({});
    expect(defaults.trustedProxies).toEqual([]);
    expect(defaults.tokenTtlSeconds).toBe(168 * 3600);
    expect(defaults.sessionCheckIntervalMs).toBe(1000);
    expect(defaults.socketOutboundLimitBytes).toBe(4 * 1024 * 1024);
    expect(defaults.redis).toEqual({ commandTimeoutMs: 1500, probeIntervalMs: 1000, keepAliveMs: 10_000 });
    expect(defaults.bridgeTimeoutMs).toBe(5000);
    expect(loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '400', BRIDGE_TIMEOUT_MS: '250' })).toMatchObject({ redis: { commandTimeoutMs: 400 }, bridgeTimeoutMs: 250 });
    const config = loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,::1,fd00::/8,loopback', TOKEN_TTL_HOURS: '2', TOKEN_TTL_SECONDS: '30' });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.7', '::1', 'fd00::/8', 'loopback']);
    expect(config.tokenTtlSeconds).toBe(30);
    expect(loadConfig({ TOKEN_TTL_HOURS: '2' }).tokenTtlSeconds).toBe(7200);
  });
});

describe('proxy pool and group pull configuration', () => {
  it('dials nothing by default outside production: no check target, checker off', () => {
    expect(loadConfig({})).toMatchObject({ proxyCheckTarget: undefined, proxyCheckIntervalS: 0, proxyCheckTimeoutMs: 5000, proxyProvider: undefined, proxyProviderTimeoutMs: 10_000, groupPullMinuteMs: 60_000 });
  });

  it('in production checks every 300 s against www.google.com:443 unless told otherwise', () => {
    const production = loadConfig({ NODE_ENV: 'production', PROTOCOL_SECRET: secret });
    expect(production).toMatchObject({ proxyCheckTarget: { host: 'www.google.com', port: 443 }, proxyCheckIntervalS: 300 });
    expect(loadConfig({ NODE_ENV: 'production', PROTOCOL_SECRET: secret, PROXY_CHECK_INTERVAL_S: '0' }).proxyCheckIntervalS).toBe(0);
  });

  it('reads the provider and the check target', () => {
    const config = loadConfig({ PROXY_PROVIDER: 'ip2world', PROXY_PROVIDER_URL: 'http://127.0.0.1:9/x?num={count}', PROXY_CHECK_TARGET: '[::1]:8443' });
    expect(config).toMatchObject({ proxyProvider: 'ip2world', proxyProviderUrl: 'http://127.0.0.1:9/x?num={count}', proxyCheckTarget: { host: '::1', port: 8443 } });
  });

  it.each([
    [{ PROXY_PROVIDER: 'brightdata', PROXY_PROVIDER_URL: 'http://x' }, /PROXY_PROVIDER must be one of ip2world/],
    [{ PROXY_PROVIDER: 'ip2world' }, /PROXY_PROVIDER_URL is required/],
    [{ PROXY_CHECK_TARGET: 'www.google.com' }, /PROXY_CHECK_TARGET must be host:port/],
    [{ PROXY_CHECK_TARGET: 'x:0' }, /PROXY_CHECK_TARGET must be host:port/],
    [{ PROXY_CHECK_INTERVAL_S: '-1' }, /PROXY_CHECK_INTERVAL_S/],
    [{ GROUP_PULL_MINUTE_MS: '10' }, /GROUP_PULL_MINUTE_MS/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('server start', () => {
  it('stops with one clear line on bad configuration', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: 'eighty', NODE_ENV: 'test' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('invalid configuration: PORT must be an integer 0..65535 (got "eighty")');
  });
});
