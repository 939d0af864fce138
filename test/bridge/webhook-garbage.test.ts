// Correctly signed but hostile webhook bodies: whatever the payload, the answer is 200 or a
// 4xx envelope naming the problem, never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVOLUTION_API_KEY, EVOLUTION_SECRET, evolutionMessage } from '../helpers/fake-evolution.js';
import { WAHA_HMAC_KEY, wahaMessage, wahaSign } from '../helpers/fake-waha.js';
import { startHub, type TestHub } from '../helpers/hub.js';

const SESSION = '8613800000001';
const WAHA_EVENTS = ['message', 'message.any', 'message.ack', 'session.status', 'presence.update'];
const EVOLUTION_EVENTS = ['messages.upsert', 'send.message', 'messages.update', 'connection.update', 'qrcode.updated', 'MESSAGES_UPSERT'];

/** A valid payload with one field replaced by anything, or anything at all. */
const wrong = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string(), fc.array(fc.anything(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const mangled = (valid: Record<string, unknown>) =>
  fc.oneof(
    { arbitrary: fc.anything(), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(...Object.keys(valid)), wrong).map(([key, value]) => ({ ...valid, [key]: value })), weight: 4 },
  );

describe('hostile signed webhook bodies', () => {
  let waha: TestHub;
  let evolution: TestHub;
  beforeAll(async () => {
    // The drivers' REST calls (QR fetches) go to a closed port and fail quietly.
    waha = await startHub({ env: { BRIDGE_DRIVER: 'waha', WAHA_URL: 'http://127.0.0.1:9', WAHA_WEBHOOK_HMAC_KEY: WAHA_HMAC_KEY } });
    evolution = await startHub({ env: { BRIDGE_DRIVER: 'evolution', EVOLUTION_URL: 'http://127.0.0.1:9', EVOLUTION_API_KEY, EVOLUTION_WEBHOOK_SECRET: EVOLUTION_SECRET } });
  });
  afterAll(async () => {
    await waha.close();
    await evolution.close();
  });

  it('WAHA answers 200 or 4xx', async () => {
    const valid = wahaMessage({ id: 'G1', chat: '5511990000001@c.us', me: `${SESSION}@c.us`, body: 'x' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WAHA_EVENTS), mangled(valid), fc.option(fc.double(), { nil: undefined }), async (event, payload, timestamp) => {
        const body = JSON.stringify({ id: 'evt_1', timestamp: timestamp ?? Date.now(), session: SESSION, event, payload });
        const response = await waha.hub.app.inject({ method: 'POST', url: '/xd/protocol/waha', payload: body, headers: { 'content-type': 'application/json', 'x-webhook-hmac': wahaSign(body) } });
        expect(response.statusCode, response.body).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it('Evolution answers 200 or 4xx', async () => {
    const valid = evolutionMessage({ id: '3EB0G1', jid: '5511980000001@s.whatsapp.net', text: 'x' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EVOLUTION_EVENTS), mangled(valid), async (event, data) => {
        const body = JSON.stringify({ event, instance: SESSION, data, date_time: new Date().toISOString() });
        const response = await evolution.hub.app.inject({ method: 'POST', url: '/xd/protocol/evolution', payload: body, headers: { 'content-type': 'application/json', 'x-hub-secret': EVOLUTION_SECRET } });
        expect(response.statusCode, response.body).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});
