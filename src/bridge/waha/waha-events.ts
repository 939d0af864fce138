// WAHA's webhook events in the hub's terms. Envelope `{id, timestamp (ms), session, me, event,
// payload}`; a message's `timestamp` is in seconds, its `id` the serialized WhatsApp id that
// acks name again.
import { Type } from '@sinclair/typebox';
import type { AccountStatus } from '../../db/schema.js';
import type { BridgeMessage } from '../../messages/inbound.repository.js';
import { contentTypeOfMime } from '../driver-common.js';
import { payloadCheck } from '../webhook-intake.js';

export const WahaEnvelope = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  timestamp: Type.Optional(Type.Number({ minimum: 0 })),
  session: Type.String({ minLength: 1, maxLength: 128 }),
  event: Type.String({ minLength: 1, maxLength: 64 }),
  payload: Type.Record(Type.String(), Type.Unknown()),
});

const ChatId = Type.String({ minLength: 1, maxLength: 128 });

const checkMessage = payloadCheck(
  Type.Object({
    id: Type.String({ minLength: 1, maxLength: 128 }),
    timestamp: Type.Number({ minimum: 0, maximum: 1e11 }),
    from: ChatId,
    to: Type.Optional(Type.Union([ChatId, Type.Null()])),
    fromMe: Type.Boolean(),
    body: Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()])),
    hasMedia: Type.Optional(Type.Boolean()),
    media: Type.Optional(Type.Union([Type.Null(), Type.Object({ url: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])), mimetype: Type.Optional(Type.Union([Type.String(), Type.Null()])) })])),
    source: Type.Optional(Type.Union([Type.String({ maxLength: 16 }), Type.Null()])),
    _data: Type.Optional(Type.Unknown()),
  }),
  'payload',
);

const checkAck = payloadCheck(
  Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }), fromMe: Type.Optional(Type.Boolean()), ack: Type.Integer({ minimum: -1, maximum: 10 }) }),
  'payload',
);

const checkSessionStatus = payloadCheck(Type.Object({ status: Type.String({ minLength: 1, maxLength: 32 }) }), 'payload');

/** Only the path of WAHA's file URL is kept: the hub fetches it from WAHA_URL itself. */
function mediaPathOf(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const path = new URL(url, 'http://waha.invalid').pathname;
    return path.startsWith('/api/files/') ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `message`/`message.any` payload as a bridge message, or null for what the hub keeps out:
 * status broadcasts, and the echo of a send made through WAHA's API (`source: "api"`), which
 * is the hub's own reply, already stored; storing the echo too would show it twice.
 */
export function wahaMessage(payload: unknown, phone: string): BridgeMessage | null {
  const m = checkMessage(payload);
  if (m.fromMe && m.source === 'api') return null;
  const chat = m.fromMe ? m.to : m.from;
  // Status updates and broadcast lists are not conversations with a target.
  if (!chat || chat.endsWith('@broadcast') || chat.endsWith('@newsletter')) return null;
  const group = chat.endsWith('@g.us');
  const notifyName = (m._data as { notifyName?: unknown } | undefined)?.notifyName;
  const name = !m.fromMe && !group && typeof notifyName === 'string' && notifyName !== '' ? notifyName.slice(0, 256) : undefined;
  const mediaRef = m.hasMedia ? mediaPathOf(m.media?.url) : undefined;
  return {
    phone,
    msgId: m.id,
    direction: m.fromMe ? 'out' : 'in',
    from: { id: chat, ...(name === undefined ? {} : { name }), ...(group ? { convType: 'group' as const } : {}) },
    contentType: m.hasMedia ? contentTypeOfMime(m.media?.mimetype ?? undefined) : '1',
    content: m.body ?? '',
    ...(mediaRef === undefined ? {} : { mediaRef }),
    sendTime: Math.round(m.timestamp * 1000),
  };
}

const ACKS: Record<number, 'failed' | 'sent' | 'delivered' | 'read'> = { [-1]: 'failed', 1: 'sent', 2: 'delivered', 3: 'read', 4: 'read' };

/** A `message.ack` of one of the account's own messages, or null (pending, or someone else's). */
export function wahaAck(payload: unknown): { msgId: string; status: 'failed' | 'sent' | 'delivered' | 'read' } | null {
  const a = checkAck(payload);
  const status = ACKS[a.ack];
  if (!status || a.fromMe === false) return null;
  return { msgId: a.id, status };
}

/** `session.status` as the account's status; null for a state the hub does not know. */
export function wahaSessionStatus(payload: unknown): { status: AccountStatus; reason?: string; wantsQr: boolean } | null {
  switch (checkSessionStatus(payload).status) {
    case 'WORKING':
      return { status: 'online', wantsQr: false };
    case 'STOPPED':
    case 'STARTING':
      return { status: 'offline', wantsQr: false };
    case 'SCAN_QR_CODE':
      return { status: 'loginRequired', reason: 'scan the QR code', wantsQr: true };
    case 'FAILED':
      return { status: 'loginRequired', reason: 'session failed', wantsQr: false };
    default:
      return null;
  }
}
