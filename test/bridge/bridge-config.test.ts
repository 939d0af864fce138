// BRIDGE_DRIVER and each driver's own settings, checked at boot with one clear line.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { NODE_ENV: 'test' };
const waha = { BRIDGE_DRIVER: 'waha', WAHA_URL: 'http://waha:3000/', WAHA_WEBHOOK_HMAC_KEY: 'a-long-enough-hmac-key' };
const evolution = { BRIDGE_DRIVER: 'evolution', EVOLUTION_URL: 'http://evolution:8080', EVOLUTION_API_KEY: 'k', EVOLUTION_WEBHOOK_SECRET: 'a-long-enough-secret' };

describe('BRIDGE_DRIVER', () => {
  it('defaults to the sandbox, or to the hub protocol when PROTOCOL_URL is set', () => {
    expect(loadConfig(base)).toMatchObject({ bridgeDriver: 'sandbox', waha: undefined, evolution: undefined });
    expect(loadConfig({ ...base, PROTOCOL_URL: 'http://bridge:9000' }).bridgeDriver).toBe('hub');
    expect(loadConfig({ ...base, PROTOCOL_URL: 'http://bridge:9000', BRIDGE_DRIVER: 'sandbox' }).bridgeDriver).toBe('sandbox');
  });

  it('reads the chosen driver’s settings', () => {
    expect(loadConfig({ ...base, ...waha }).waha).toEqual({ url: 'http://waha:3000', apiKey: undefined, webhookHmacKey: 'a-long-enough-hmac-key' });
    expect(loadConfig({ ...base, ...evolution }).evolution).toEqual({ url: 'http://evolution:8080', apiKey: 'k', webhookSecret: 'a-long-enough-secret' });
  });

  it.each([
    [{ BRIDGE_DRIVER: 'baileys' }, /BRIDGE_DRIVER must be one of sandbox, hub, waha, evolution/],
    [{ BRIDGE_DRIVER: 'hub' }, /PROTOCOL_URL is required when BRIDGE_DRIVER=hub/],
    [{ ...waha, WAHA_URL: undefined }, /WAHA_URL is required when BRIDGE_DRIVER=waha/],
    [{ ...waha, WAHA_URL: 'ftp://waha' }, /WAHA_URL must be a URL/],
    [{ ...waha, WAHA_WEBHOOK_HMAC_KEY: undefined }, /WAHA_WEBHOOK_HMAC_KEY is required/],
    [{ ...waha, WAHA_WEBHOOK_HMAC_KEY: 'short' }, /WAHA_WEBHOOK_HMAC_KEY must be at least 16 characters/],
    [{ ...evolution, EVOLUTION_API_KEY: undefined }, /EVOLUTION_API_KEY is required when BRIDGE_DRIVER=evolution/],
    [{ ...evolution, EVOLUTION_WEBHOOK_SECRET: undefined }, /EVOLUTION_WEBHOOK_SECRET is required/],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });
});
