// Standard Webhooks signature check (https://www.standardwebhooks.com): HMAC-SHA256 over
// "id.timestamp.body" with the key the `whsec_` secret encodes, any one of the space-separated
// `v1,<base64>` signatures matching, the timestamp within 5 minutes either way.
//
// The `standardwebhooks` package signs and verifies the same scheme (the hub signs its calls to
// the bridge with it, and a test holds this check to its verdicts), but it hashes in JavaScript:
// on the callback path its verify cost more than storing the message. node:crypto does it natively.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

export type WebhookVerdict = 'ok' | 'bad-timestamp' | 'bad-signature';

export function createWebhookVerifier(secret: string): (body: string, headers: WebhookHeaders, nowMs?: number) => WebhookVerdict {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (key.length === 0) throw new Error('webhook secret: no key bytes');

  return function verifyWebhook(body, headers, nowMs = Date.now()) {
    if (!/^\d{1,15}$/.test(headers.timestamp)) return 'bad-timestamp';
    const timestamp = Number(headers.timestamp);
    const now = Math.floor(nowMs / 1000);
    if (Math.abs(now - timestamp) > WEBHOOK_TOLERANCE_SECONDS) return 'bad-timestamp';

    const expected = Buffer.from(createHmac('sha256', key).update(`${headers.id}.${headers.timestamp}.${body}`).digest('base64'));
    for (const versioned of headers.signature.split(' ')) {
      const comma = versioned.indexOf(',');
      if (comma < 0 || versioned.slice(0, comma) !== 'v1') continue;
      const given = Buffer.from(versioned.slice(comma + 1));
      if (given.length === expected.length && timingSafeEqual(given, expected)) return 'ok';
    }
    return 'bad-signature';
  };
}
