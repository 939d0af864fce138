// A fake WAHA: its REST API (X-Api-Key checked) and webhook envelopes built as WAHA documents
// them — `{id, timestamp (ms), session, me, engine, event, payload}`, signed with
// X-Webhook-Hmac (hex HMAC-SHA512 of the body) and X-Webhook-Hmac-Algorithm: sha512.
import { createHmac, randomUUID } from 'node:crypto';
import { startFakeHttp, TINY_PNG, type FakeAnswer, type FakeCall, type FakeHttp } from './fake-http.js';

export const WAHA_API_KEY = 'waha-test-api-key';
export const WAHA_HMAC_KEY = 'waha-test-hmac-key-0123456789';

export interface FakeWaha extends FakeHttp {
  /** Answers to sends, in order; by default each gets `true_<chatId>_<n>`. */
  sendAnswers: FakeAnswer[];
  /** Per-member codes answered by participants/add, by the member's digits. */
  memberCodes: Record<string, number>;
}

export async function startFakeWaha(): Promise<FakeWaha> {
  let sent = 0;
  const state = { sendAnswers: [] as FakeAnswer[], memberCodes: {} as Record<string, number> };
  const answer = (call: FakeCall): FakeAnswer => {
    if (call.headers['x-api-key'] !== WAHA_API_KEY) return { status: 401, body: { message: 'Unauthorized' } };
    const path = call.path;
    if (call.method === 'POST' && /^\/api\/send(Text|Image|File|Voice|Video)$/.test(path)) {
      const next = state.sendAnswers.shift();
      if (next) return next;
      sent++;
      return { status: 201, body: { id: `true_${call.body.chatId}_SENT${sent}`, timestamp: Math.floor(Date.now() / 1000), fromMe: true, to: call.body.chatId, body: call.body.text } };
    }
    if (call.method === 'POST' && /^\/api\/sessions\/[^/]+\/restart$/.test(path)) return { status: 201, body: { name: path.split('/')[3], status: 'STARTING' } };
    if (call.method === 'GET' && /^\/api\/[^/]+\/auth\/qr\?format=image$/.test(path)) return { status: 200, body: { mimetype: 'image/png', data: TINY_PNG.toString('base64') } };
    if (call.method === 'GET' && path.startsWith('/api/files/')) return { status: 200, body: TINY_PNG, type: 'image/png' };
    if (call.method === 'POST' && /^\/api\/[^/]+\/groups$/.test(path)) {
      return { status: 201, body: { id: '120363000000000001@g.us', subject: call.body.name, participants: call.body.participants.slice(0, 1) } };
    }
    if (call.method === 'POST' && /^\/api\/[^/]+\/groups\/[^/]+\/participants\/add$/.test(path)) {
      return { status: 200, body: call.body.participants.map((p: { id: string }) => ({ jid: p.id, status: String(state.memberCodes[p.id.split('@')[0]!] ?? 200) })) };
    }
    if (call.method === 'GET' && /^\/api\/[^/]+\/groups\/[^/]+\/invite-code$/.test(path)) return { status: 200, body: 'InviteCode123' };
    return { status: 404, body: { message: `no route ${call.method} ${path}` } };
  };
  const http = await startFakeHttp(answer);
  return Object.assign(http, state);
}

export function wahaEnvelope(session: string, event: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    timestamp: Date.now(),
    session,
    metadata: {},
    me: { id: `${session}@c.us`, pushName: 'Shop' },
    engine: 'NOWEB',
    environment: { version: '2025.1.1', engine: 'NOWEB', tier: 'PLUS' },
    event,
    payload,
    ...extra,
  };
}

/** A `message`/`message.any` payload as WAHA sends it. */
export function wahaMessage(opts: { id: string; chat: string; me: string; fromMe?: boolean; source?: 'api' | 'app'; body?: string; name?: string; timestampS?: number; media?: { url: string; mimetype: string } }) {
  const fromMe = opts.fromMe ?? false;
  return {
    id: `${fromMe}_${opts.chat}_${opts.id}`,
    timestamp: opts.timestampS ?? Math.floor(Date.now() / 1000),
    from: fromMe ? opts.me : opts.chat,
    fromMe,
    source: opts.source ?? 'app',
    to: fromMe ? opts.chat : opts.me,
    participant: null,
    body: opts.body ?? '',
    hasMedia: opts.media !== undefined,
    media: opts.media ? { url: opts.media.url, mimetype: opts.media.mimetype, filename: null, error: null } : null,
    ack: fromMe ? 1 : 2,
    ackName: fromMe ? 'SERVER' : 'DEVICE',
    replyTo: null,
    _data: { notifyName: opts.name, key: { id: opts.id } },
  };
}

export const wahaSign = (body: string, key = WAHA_HMAC_KEY) => createHmac('sha512', key).update(body).digest('hex');

/** POSTs an envelope to the hub's WAHA webhook, signed unless told otherwise. */
export async function postWaha(hubUrl: string, envelope: unknown, opts: { key?: string; unsigned?: boolean; raw?: string } = {}) {
  const body = opts.raw ?? JSON.stringify(envelope);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-webhook-request-id': randomUUID(), 'x-webhook-timestamp': String(Date.now()) };
  if (!opts.unsigned) {
    headers['x-webhook-hmac'] = wahaSign(body, opts.key);
    headers['x-webhook-hmac-algorithm'] = 'sha512';
  }
  const response = await fetch(`${hubUrl}/xd/protocol/waha`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as any };
}
