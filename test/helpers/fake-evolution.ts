// A fake Evolution API v2: its REST API (the `apikey` header checked) and webhook envelopes
// built as Evolution sends them — `{event, instance, data, destination, date_time, sender,
// server_url, apikey}` — authenticated by `x-hub-secret` or a Bearer HS256 JWT.
import { createHmac } from 'node:crypto';
import { startFakeHttp, TINY_PNG, type FakeAnswer, type FakeCall, type FakeHttp } from './fake-http.js';

export const EVOLUTION_API_KEY = 'evolution-test-api-key';
export const EVOLUTION_SECRET = 'evolution-test-webhook-secret';
export const QR_DATA_URL = `data:image/png;base64,${TINY_PNG.toString('base64')}`;

export interface FakeEvolution extends FakeHttp {
  sendAnswers: FakeAnswer[];
  /** Instance states: `open` answers restart; `close` refuses it (as Evolution does). */
  states: Record<string, string>;
  memberCodes: Record<string, number>;
}

export async function startFakeEvolution(): Promise<FakeEvolution> {
  let sent = 0;
  const state = { sendAnswers: [] as FakeAnswer[], states: {} as Record<string, string>, memberCodes: {} as Record<string, number> };
  const answer = (call: FakeCall): FakeAnswer => {
    if (call.headers.apikey !== EVOLUTION_API_KEY) return { status: 401, body: { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } } };
    const [path, query] = call.path.split('?') as [string, string | undefined];
    const instance = decodeURIComponent(path.split('/').pop() ?? '');
    if (call.method === 'POST' && /^\/message\/(sendText|sendMedia|sendWhatsAppAudio)\//.test(path)) {
      const next = state.sendAnswers.shift();
      if (next) return next;
      sent++;
      return {
        status: 201,
        body: { key: { remoteJid: `${call.body.number}@s.whatsapp.net`, fromMe: true, id: `3EB0SENT${sent}` }, pushName: '', status: 'PENDING', message: { conversation: call.body.text }, messageType: 'conversation', messageTimestamp: Math.floor(Date.now() / 1000), instanceId: 'i-1', source: 'unknown' },
      };
    }
    if (call.method === 'POST' && path.startsWith('/instance/restart/')) {
      if (state.states[instance] === 'close') return { status: 200, body: { error: true, message: `BadRequestException: The "${instance}" instance is not connected` } };
      return { status: 200, body: { instance: { instanceName: instance, state: 'connecting' } } };
    }
    if (call.method === 'GET' && path.startsWith('/instance/connect/')) return { status: 200, body: { pairingCode: null, code: '2@abc', base64: QR_DATA_URL, count: 1 } };
    if (call.method === 'POST' && path.startsWith('/chat/getBase64FromMediaMessage/')) {
      return { status: 201, body: { mediaType: 'imageMessage', fileName: `${call.body.message.key.id}.jpeg`, size: { fileLength: TINY_PNG.length }, mimetype: 'image/png', base64: TINY_PNG.toString('base64') } };
    }
    if (call.method === 'POST' && path.startsWith('/group/create/')) {
      // Evolution drops numbers that are not on WhatsApp (here: ending in 0).
      const kept = (call.body.participants as string[]).filter((p) => !p.endsWith('0'));
      return { status: 201, body: { id: '120363000000000002@g.us', subject: call.body.subject, participants: kept.map((p) => ({ id: `${p}@s.whatsapp.net`, admin: null })) } };
    }
    if (call.method === 'POST' && path.startsWith('/group/updateParticipant/') && query?.startsWith('groupJid=')) {
      return { status: 201, body: { updateParticipants: (call.body.participants as string[]).map((p) => ({ status: String(state.memberCodes[p] ?? 200), jid: `${p}@s.whatsapp.net` })) } };
    }
    if (call.method === 'POST' && path.startsWith('/group/sendInvite/')) return { status: 201, body: { send: true, inviteUrl: 'https://chat.whatsapp.com/abc' } };
    return { status: 404, body: { status: 404, error: 'Not Found', response: { message: [`no route ${call.method} ${path}`] } } };
  };
  const http = await startFakeHttp(answer);
  return Object.assign(http, state);
}

export function evolutionEnvelope<T>(instance: string, event: string, data: T) {
  return {
    event,
    instance,
    data,
    destination: 'http://hub.local/xd/protocol/evolution',
    // Evolution writes local time with a Z suffix.
    date_time: new Date().toISOString(),
    sender: `${instance}@s.whatsapp.net`,
    server_url: 'http://localhost:8080',
    apikey: null,
  };
}

/** A `messages.upsert` data object as Evolution's prepareMessage builds it. */
export function evolutionMessage(opts: { id: string; jid: string; fromMe?: boolean; text?: string; name?: string; timestampS?: number; image?: { caption: string } }) {
  const fromMe = opts.fromMe ?? false;
  const message = opts.image
    ? { imageMessage: { url: 'https://mmg.whatsapp.net/x', mimetype: 'image/jpeg', caption: opts.image.caption, fileLength: '1234', mediaKey: 'k' }, messageContextInfo: {} }
    : { conversation: opts.text ?? '', messageContextInfo: {} };
  return {
    key: { remoteJid: opts.jid, fromMe, id: opts.id },
    pushName: fromMe ? 'Você' : opts.name,
    status: fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK',
    message,
    contextInfo: null,
    messageType: opts.image ? 'imageMessage' : 'conversation',
    messageTimestamp: opts.timestampS ?? Math.floor(Date.now() / 1000),
    instanceId: 'i-1',
    source: 'android',
  };
}

/** An HS256 JWT as Evolution makes it from the webhook's `jwt_key`. */
export function evolutionJwt(secret: string, iatS = Math.floor(Date.now() / 1000), alg = 'HS256') {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = part({ alg, typ: 'JWT' });
  const body = part({ iat: iatS, exp: iatS + 600, app: 'evolution', action: 'webhook' });
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

export async function postEvolution(hubUrl: string, envelope: unknown, auth: { secret?: string; jwt?: string; none?: boolean; raw?: string; path?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth.jwt) headers.authorization = `Bearer ${auth.jwt}`;
  else if (!auth.none) headers['x-hub-secret'] = auth.secret ?? EVOLUTION_SECRET;
  const response = await fetch(`${hubUrl}/xd/protocol/evolution${auth.path ?? ''}`, { method: 'POST', headers, body: auth.raw ?? JSON.stringify(envelope) });
  return { status: response.status, body: (await response.json()) as any };
}
