// Signs and posts a bridge callback, through app.inject or over HTTP to a listening hub.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { BridgeMessage } from '../../src/messages/inbound.repository.js';
import { TEST_PROTOCOL_SECRET, type TestHub } from './hub.js';

export interface PostCallbackOptions {
  secret?: string;
  /** Defaults to a fresh id per call. */
  webhookId?: string;
  /** Signing time; defaults to now. */
  at?: Date;
  /** Send this text instead of JSON.stringify(body) (signed as sent). */
  raw?: string;
  /** Headers to send instead of (or on top of) the signed ones. */
  headers?: Record<string, string>;
  /** Skip the signature headers altogether. */
  unsigned?: boolean;
  /** Post over HTTP to this base URL instead of app.inject. */
  url?: string;
}

export function signedHeaders(body: string, options: Pick<PostCallbackOptions, 'secret' | 'webhookId' | 'at'> = {}): Record<string, string> {
  const id = options.webhookId ?? `msg_${randomUUID()}`;
  const at = options.at ?? new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? TEST_PROTOCOL_SECRET).sign(id, at, body),
  };
}

/** `path` is relative to /xd/protocol (e.g. `messageCallback`) or absolute. */
export async function postCallback(
  t: Pick<TestHub, 'hub'> | null,
  path: string,
  body: unknown,
  options: PostCallbackOptions = {},
): Promise<{ status: number; body: any }> {
  const url = path.startsWith('/') ? path : `/xd/protocol/${path}`;
  const text = options.raw ?? JSON.stringify(body);
  const headers = { ...(options.unsigned ? { 'content-type': 'application/json' } : signedHeaders(text, options)), ...options.headers };
  if (options.url !== undefined || t === null) {
    const response = await fetch(`${options.url}${url}`, { method: 'POST', headers, body: text });
    const answer = await response.text();
    return { status: response.status, body: parseOrText(answer) };
  }
  const response = await t.hub.app.inject({ method: 'POST', url, headers, payload: text });
  return { status: response.statusCode, body: parseOrText(response.body) };
}

function parseOrText(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

let counter = 0;
/** A valid inbound message for a demo phone, unique per call unless fields are given. */
export function inboundMessage(overrides: Partial<BridgeMessage> = {}): BridgeMessage {
  counter += 1;
  return {
    phone: '+8613800000001',
    msgId: `m-${process.pid}-${counter}-${randomUUID().slice(0, 8)}`,
    direction: 'in',
    from: { id: 'wa-target-1', name: 'Target One', convType: 'stranger' },
    contentType: '1',
    content: `hello ${counter}`,
    sendTime: Date.now(),
    ...overrides,
  };
}
