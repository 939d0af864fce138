// The bench signs callbacks itself (no library in the hot loop); it must produce what a
// Standard Webhooks verifier accepts, or every callback figure would measure 401s.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { callbackBody, PROTOCOL_SECRET, signatureHeaders } from '../../scripts/bench/lib/http.js';

describe('bench signing', () => {
  it('produces headers the standardwebhooks verifier accepts for the callback body', () => {
    const body = callbackBody({ phone: '+8613800000001', msgId: 'm1', fromId: 't1', content: 'hello' });
    const headers = signatureHeaders(body, 'wh-1');
    const verified = new Webhook(PROTOCOL_SECRET).verify(body, headers) as Record<string, unknown>;
    expect(verified).toMatchObject({ phone: '+8613800000001', msgId: 'm1', direction: 'in', contentType: '1', content: 'hello' });
  });

  it('is refused by a verifier holding another secret', () => {
    const body = callbackBody({ phone: '+8613800000001', msgId: 'm2', fromId: 't1', content: 'x' });
    const other = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect(() => new Webhook(other).verify(body, signatureHeaders(body))).toThrow();
  });
});
