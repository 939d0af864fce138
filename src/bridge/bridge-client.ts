// Calls from the hub to the protocol bridge: JSON over HTTP at PROTOCOL_URL, signed with the
// same Standard Webhooks scheme the bridge uses towards the hub.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface SendRequest {
  phone: string;
  /** The target's platform id (`from.id` in callbacks). */
  to: string;
  contentType: string;
  content: string;
  clientMsgId: string;
}

export interface MediaFile {
  body: Buffer;
  contentType: string;
}

export interface BridgeClient {
  readonly kind: 'http' | 'sandbox';
  send(request: SendRequest): Promise<{ msgId: string }>;
  relogin(phone: string): Promise<void>;
  fetchMedia(phone: string, mediaRef: string): Promise<MediaFile>;
}

/** A failed bridge call. `retryable` is false when the bridge refused the request itself (4xx). */
export class BridgeError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly status?: number) {
    super(message);
    this.name = 'BridgeError';
  }
}

export interface HttpBridgeOptions {
  baseUrl: string;
  secret: string;
  timeoutMs?: number;
  /** Media may be large and slow; it gets its own deadline. */
  mediaTimeoutMs?: number;
}

/** Headers that sign `body` for the bridge. */
export function signBridgeRequest(webhook: Webhook, body: string, now = new Date()): Record<string, string> {
  const id = `msg_${randomUUID()}`;
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

  async function post(path: string, payload: unknown, deadlineMs = timeoutMs): Promise<Response> {
    const body = JSON.stringify(payload);
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        method: 'POST',
        headers: signBridgeRequest(webhook, body),
        body,
        signal: AbortSignal.timeout(deadlineMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${deadlineMs} ms` : (error as Error).message;
      throw new BridgeError(`bridge ${path}: ${reason}`, true);
    }
    if (!response.ok) {
      const detail = (await response.text().catch(() => '')).slice(0, 200);
      throw new BridgeError(`bridge ${path}: HTTP ${response.status} ${detail}`.trim(), response.status >= 500 || response.status === 429, response.status);
    }
    return response;
  }

  return {
    kind: 'http',
    async send(request) {
      const response = await post('/send', request);
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
  };
}
