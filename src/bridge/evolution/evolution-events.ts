// Evolution API v2's webhook events in the hub's terms. Envelope `{event, instance, data,
// sender, date_time}`; `date_time` is local time labelled as UTC, so the hub does not judge
// staleness by it (a JWT's `exp` does that).
import { Type } from '@sinclair/typebox';
import type { AccountStatus } from '../../db/schema.js';
import type { LoginQr } from '../../messages/bridge-port.js';
import type { BridgeMessage } from '../../messages/inbound.repository.js';
import { LOGIN_QR_TTL_MS } from '../driver-common.js';
import { payloadCheck } from '../webhook-intake.js';

export const EvolutionEnvelope = Type.Object({
  event: Type.String({ minLength: 1, maxLength: 64 }),
  instance: Type.String({ minLength: 1, maxLength: 128 }),
  data: Type.Unknown(),
});

/** Evolution names events `messages.upsert`; with "webhook by events" the path says `messages-upsert`. */
export const normalizeEvent = (event: string) => event.toLowerCase().replace(/[_-]/g, '.');

const Text = Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()]));
const Media = Type.Optional(Type.Union([Type.Null(), Type.Object({ caption: Text, fileName: Text, mimetype: Text })]));

const checkUpsert = payloadCheck(
  Type.Object({
    key: Type.Object({
      id: Type.String({ minLength: 1, maxLength: 128 }),
      fromMe: Type.Boolean(),
      remoteJid: Type.String({ minLength: 1, maxLength: 128 }),
      addressingMode: Type.Optional(Type.Union([Type.String({ maxLength: 16 }), Type.Null()])),
      remoteJidAlt: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()])),
    }),
    pushName: Text,
    messageTimestamp: Type.Union([Type.Number({ minimum: 0, maximum: 1e11 }), Type.String({ pattern: '^[0-9]{1,11}$' })]),
    message: Type.Union([
      Type.Null(),
      Type.Object({
        conversation: Text,
        extendedTextMessage: Type.Optional(Type.Union([Type.Null(), Type.Object({ text: Text })])),
        imageMessage: Media,
        videoMessage: Media,
        audioMessage: Media,
        documentMessage: Media,
        stickerMessage: Media,
      }),
    ]),
  }),
  'data',
);

const checkUpdate = payloadCheck(
  Type.Object({
    keyId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    key: Type.Optional(Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) })),
    fromMe: Type.Optional(Type.Boolean()),
    status: Type.String({ minLength: 1, maxLength: 32 }),
  }),
  'data',
);

const checkConnection = payloadCheck(
  Type.Object({ state: Type.String({ minLength: 1, maxLength: 32 }), statusReason: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 64 })])) }),
  'data',
);

const checkQr = payloadCheck(
  Type.Object({ qrcode: Type.Optional(Type.Object({ base64: Type.Optional(Type.String({ maxLength: 512 * 1024 })) })) }),
  'data',
);

const MEDIA_KINDS = [
  ['imageMessage', '2'],
  ['stickerMessage', '2'],
  ['audioMessage', '3'],
  ['videoMessage', '4'],
  ['documentMessage', '5'],
] as const;

/** A `messages.upsert`/`send.message` as a bridge message, or null for what is not a chat message. */
export function evolutionMessage(data: unknown, phone: string): BridgeMessage | null {
  const m = checkUpsert(data);
  // A privacy id (`…@lid`) cannot be written to by number; WhatsApp gives the phone's jid beside it.
  const chat = m.key.addressingMode === 'lid' && m.key.remoteJidAlt ? m.key.remoteJidAlt : m.key.remoteJid;
  if (!m.message || chat.endsWith('@broadcast') || chat.endsWith('@newsletter')) return null;
  let contentType = '1';
  let content = m.message.conversation ?? m.message.extendedTextMessage?.text ?? undefined;
  let media = false;
  for (const [kind, type] of MEDIA_KINDS) {
    const part = m.message[kind];
    if (part) {
      contentType = type;
      content = part.caption ?? (kind === 'documentMessage' ? part.fileName : undefined) ?? '';
      media = true;
      break;
    }
  }
  // Reactions, protocol messages, polls…: nothing a seat reads as a message.
  if (content === undefined || content === null) return null;
  const group = chat.endsWith('@g.us');
  const name = !m.key.fromMe && !group && m.pushName ? m.pushName.slice(0, 256) : undefined;
  return {
    phone,
    msgId: m.key.id,
    direction: m.key.fromMe ? 'out' : 'in',
    from: { id: chat, ...(name === undefined ? {} : { name }), ...(group ? { convType: 'group' as const } : {}) },
    contentType,
    content,
    // Evolution fetches an original by the message's key id.
    ...(media ? { mediaRef: m.key.id } : {}),
    sendTime: Number(m.messageTimestamp) * 1000,
  };
}

const UPDATES: Record<string, 'sent' | 'delivered' | 'read' | 'failed' | undefined> = {
  SERVER_ACK: 'sent',
  DELIVERY_ACK: 'delivered',
  READ: 'read',
  PLAYED: 'read',
  ERROR: 'failed',
};

/** A `messages.update` of one of the account's own messages, or null. */
export function evolutionUpdate(data: unknown): { msgId: string; status: 'sent' | 'delivered' | 'read' | 'failed' } | null {
  const u = checkUpdate(data);
  const msgId = u.keyId ?? u.key?.id;
  const status = UPDATES[u.status];
  if (!msgId || !status || u.fromMe === false) return null;
  return { msgId, status };
}

/** `connection.update` as the account's status; null for a state the hub does not know. */
export function evolutionConnection(data: unknown): { status: AccountStatus; reason?: string } | null {
  const c = checkConnection(data);
  switch (c.state) {
    case 'open':
      return { status: 'online' };
    case 'connecting':
      return { status: 'offline' };
    case 'close':
      return { status: 'loginRequired', ...(c.statusReason === undefined ? {} : { reason: `closed (${c.statusReason})` }) };
    case 'refused':
      return { status: 'loginRequired', reason: 'QR code limit reached' };
    default:
      return null;
  }
}

/** `qrcode.updated` as a QR to show; null when it only says the QR limit was reached. */
export function evolutionQr(data: unknown, now: number): LoginQr | null {
  const base64 = checkQr(data).qrcode?.base64;
  if (!base64) return null;
  return { qr: base64.startsWith('data:image/') ? base64 : `data:image/png;base64,${base64}`, expiresAt: now + LOGIN_QR_TTL_MS };
}
