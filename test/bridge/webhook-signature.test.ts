// The hub's own Standard Webhooks check must agree with the reference implementation
// (the standardwebhooks package) on every delivery: signed right, tampered, re-keyed, stale.
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '../../src/bridge/webhook-signature.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const OTHER = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;

const reference = (secret: string, body: string, h: { id: string; timestamp: string; signature: string }) => {
  try {
    new Webhook(secret).verify(body, { 'webhook-id': h.id, 'webhook-timestamp': h.timestamp, 'webhook-signature': h.signature }, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
};

const sign = (secret: string, id: string, seconds: number, body: string) => new Webhook(secret).sign(id, new Date(seconds * 1000), body);

describe('webhook signature check', () => {
  it('accepts and refuses exactly what the reference verifier does', () => {
    const verify = createWebhookVerifier(SECRET);
    const delivery = fc.record({
      id: fc.string({ minLength: 1, maxLength: 40 }),
      body: fc.string({ maxLength: 300 }),
      // Seconds from now: inside and outside the 5-minute tolerance, both ways.
      skew: fc.integer({ min: -700, max: 700 }),
      signedBy: fc.constantFrom(SECRET, OTHER),
      tamper: fc.constantFrom('none', 'body', 'id', 'signature', 'version', 'extra-first', 'extra-after', 'timestamp'),
    });
    fc.assert(
      fc.property(delivery, ({ id, body, skew, signedBy, tamper }) => {
        const seconds = Math.floor(Date.now() / 1000) + skew;
        const signature = sign(signedBy, id, seconds, body);
        let h = { id, timestamp: String(seconds), signature };
        let sent = body;
        if (tamper === 'body') sent = `${body}x`;
        if (tamper === 'id') h = { ...h, id: `${id}x` };
        if (tamper === 'signature') h = { ...h, signature: `${signature.slice(0, -4)}AAA=` };
        if (tamper === 'version') h = { ...h, signature: signature.replace('v1,', 'v2,') };
        if (tamper === 'extra-first') h = { ...h, signature: `v1,${Buffer.alloc(32).toString('base64')} ${signature}` };
        if (tamper === 'extra-after') h = { ...h, signature: `${signature} v1a,junk` };
        if (tamper === 'timestamp') h = { ...h, timestamp: String(seconds + 1) };
        const mine = verify(sent, h) === 'ok';
        expect(mine).toBe(reference(SECRET, sent, h));
      }),
      { numRuns: 2000 },
    );
  });

  it('names a stale or malformed timestamp apart from a wrong signature', () => {
    const verify = createWebhookVerifier(SECRET);
    const now = Math.floor(Date.now() / 1000);
    expect(verify('{}', { id: 'a', timestamp: String(now), signature: sign(SECRET, 'a', now, '{}') })).toBe('ok');
    expect(verify('{}', { id: 'a', timestamp: String(now - 301), signature: sign(SECRET, 'a', now - 301, '{}') })).toBe('bad-timestamp');
    expect(verify('{}', { id: 'a', timestamp: String(now + 301), signature: sign(SECRET, 'a', now + 301, '{}') })).toBe('bad-timestamp');
    expect(verify('{}', { id: 'a', timestamp: 'soon', signature: 'v1,x' })).toBe('bad-timestamp');
    expect(verify('{}', { id: 'a', timestamp: String(now), signature: sign(OTHER, 'a', now, '{}') })).toBe('bad-signature');
  });
});
