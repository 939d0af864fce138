// The hub's own bridge protocol: JSON over HTTP at PROTOCOL_URL, signed with the same Standard
// Webhooks scheme the bridge uses towards the hub.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { BridgeError, type BridgePort } from '../messages/bridge-port.js';
import { callBridge } from './http-call.js';
import { unsupportedGroups } from './unsupported.js';

export { BridgeError };
export type { MediaFile, SendRequest } from '../messages/bridge-port.js';
/** The port as every driver implements it. */
export type BridgeClient = BridgePort;

export interface HttpBridgeOptions {
  baseUrl: string;
  secret: string;
  timeoutMs?: number;
  /** Media may be large and slow; it gets its own deadline. */
  mediaTimeoutMs?: number;
}

/** Headers that sign `body` for the bridge; `id` (the `webhook-id`) is fresh unless a retry must repeat it. */
export function signBridgeRequest(webhook: Webhook, body: string, now = new Date(), id = `msg_${randomUUID()}`): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': webhook.sign(id, now, body),
  };
}

export function createHttpBridgeClient(options: HttpBridgeOptions): BridgeClient {
  const webhook = new Webhook(options.secret);
  const timeoutMs = options.timeoutMs ?? 5000;

  function post(path: string, payload: unknown, deadlineMs = timeoutMs, webhookId?: string): Promise<Response> {
    const body = JSON.stringify(payload);
    return callBridge(`${options.baseUrl}${path}`, { method: 'POST', label: path, headers: signBridgeRequest(webhook, body, new Date(), webhookId), body, deadlineMs });
  }

  return {
    kind: 'http',
    async send({ idempotencyKey, ...request }) {
      // Every attempt at one reply carries the same webhook-id: a bridge that took an attempt
      // whose answer was lost recognises the retry instead of sending the message again.
      const response = await post('/send', request, timeoutMs, `msg_${idempotencyKey}`);
      const data = (await response.json().catch(() => undefined)) as { msgId?: unknown; data?: { msgId?: unknown } } | undefined;
      const msgId = data?.msgId ?? data?.data?.msgId;
      if (typeof msgId !== 'string' && typeof msgId !== 'number') throw new BridgeError('bridge /send: answer has no msgId', true);
      return { msgId: String(msgId) };
    },
    async relogin(phone) {
      await post('/relogin', { phone });
    },
    async fetchMedia(phone, mediaRef) {
      const response = await post('/media', { phone, mediaRef }, options.mediaTimeoutMs ?? 15_000);
      const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
      return { body: Buffer.from(await response.arrayBuffer()), contentType };
    },
    // The hub protocol has no QR call: its bridge shows the QR itself.
    async loginQr() {
      return null;
    },
    ...unsupportedGroups('hub'),
  };
}
