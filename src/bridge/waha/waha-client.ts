// Outbound calls to WAHA (devlikeapro/waha): sends, originals, session restart, login QR and
// groups, each with the X-Api-Key header, a deadline and the hub's failure reasons.
import { BridgeError, type BridgePort, type GroupMemberResult, type SendRequest } from '../../messages/bridge-port.js';
import { codesByDigits, digitsOf, memberResult } from '../group-results.js';
import { bytesOf, callBridge, DEFAULT_RETRY, jsonOf, withRetry, type RetryPolicy } from '../http-call.js';
import { LOGIN_QR_TTL_MS, mediaUrlOf, SEND_PATHS } from '../driver-common.js';

export interface WahaClientOptions {
  baseUrl: string;
  apiKey: string | undefined;
  /** The session running the account with this phone. */
  /** The account's session name (read from the store, hence possibly async). */
  sessionOf: (phone: string) => string | Promise<string>;
  now?: () => number;
  timeoutMs?: number;
  mediaTimeoutMs?: number;
  retry?: RetryPolicy;
}

/** A target's chat id: WAHA's own (`…@c.us`, `…@g.us`) as stored, or a bare number. */
const chatIdOf = (to: string) => (to.includes('@') ? to : `${digitsOf(to)}@c.us`);

/** WAHA answers a send with the message; engines differ in where its id is. */
function sentIdOf(answer: unknown): string | undefined {
  const a = answer as { id?: unknown; key?: { id?: unknown; remoteJid?: unknown; fromMe?: unknown } } | undefined;
  if (typeof a?.id === 'string') return a.id;
  const serialized = (a?.id as { _serialized?: unknown } | undefined)?._serialized;
  if (typeof serialized === 'string') return serialized;
  if (typeof a?.key?.id === 'string' && typeof a.key.remoteJid === 'string') return `true_${a.key.remoteJid}_${a.key.id}`;
  return undefined;
}

export function createWahaClient(options: WahaClientOptions): BridgePort {
  const timeoutMs = options.timeoutMs ?? 5000;
  const retry = options.retry ?? DEFAULT_RETRY;
  const now = options.now ?? Date.now;
  const headers = (extra: Record<string, string> = {}) => ({
    ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
    ...extra,
  });

  async function post(path: string, payload: unknown): Promise<unknown> {
    const response = await callBridge(`${options.baseUrl}${path}`, {
      method: 'POST',
      label: path,
      headers: headers({ 'content-type': 'application/json', accept: 'application/json' }),
      body: JSON.stringify(payload),
      deadlineMs: timeoutMs,
    });
    return response.status === 204 ? undefined : jsonOf(response, path).catch(() => undefined);
  }

  async function sendText(session: string, chatId: string, text: string) {
    return post('/api/sendText', { session, chatId, text });
  }

  async function inviteLink(session: string, groupId: string): Promise<string> {
    const path = `/api/${encodeURIComponent(session)}/groups/${encodeURIComponent(groupId)}/invite-code`;
    const response = await callBridge(`${options.baseUrl}${path}`, { method: 'GET', label: path, headers: headers({ accept: 'application/json' }), deadlineMs: timeoutMs });
    const text = (await response.text()).trim();
    let code: unknown = text;
    try {
      code = JSON.parse(text);
    } catch {
      // a bare code
    }
    if (typeof code !== 'string' || code === '') throw new BridgeError(`bridge ${path}: answer has no invite code`, true);
    return code.startsWith('http') ? code : `https://chat.whatsapp.com/${code}`;
  }

  /** Members WAHA could not add for privacy get the group's invite link instead. */
  async function settle(session: string, groupId: string, members: string[], codes: Map<string, number | string | undefined>): Promise<GroupMemberResult[]> {
    const results = members.map((member) => memberResult(member, codes.get(digitsOf(member))));
    const toInvite = results.filter((r) => r.state === 'invited');
    if (toInvite.length === 0) return results;
    const link = await inviteLink(session, groupId).catch((error: Error) => error);
    for (const result of toInvite) {
      if (link instanceof Error) Object.assign(result, { state: 'failed', reason: `bridge_error: ${link.message}` });
      else await sendText(session, chatIdOf(result.member), link).catch((error: Error) => Object.assign(result, { state: 'failed', reason: `bridge_error: ${error.message}` }));
    }
    return results;
  }

  return {
    kind: 'waha',
    async send(request: SendRequest) {
      const session = await options.sessionOf(request.phone);
      const chatId = chatIdOf(request.to);
      const path = SEND_PATHS.waha[request.contentType];
      const answer =
        path === undefined
          ? await sendText(session, chatId, request.content)
          : await post(path, { session, chatId, file: { url: mediaUrlOf(request) } });
      const msgId = sentIdOf(answer);
      if (!msgId) throw new BridgeError(`bridge ${path ?? '/api/sendText'}: answer has no message id`, true);
      return { msgId };
    },

    async relogin(phone) {
      const session = await options.sessionOf(phone);
      await withRetry(retry, () => post(`/api/sessions/${encodeURIComponent(session)}/restart`, {}));
    },

    // WAHA names the original by a URL under its own /api/files; only its path is kept, and it
    // is fetched from WAHA_URL, so neither the key nor the hub's requests go anywhere else.
    async fetchMedia(_phone, mediaRef) {
      if (!/^\/api\/files\/[^?#]*$/.test(mediaRef) || mediaRef.includes('..')) throw new BridgeError('bridge media: not a WAHA file path', false);
      return withRetry(retry, async () => {
        const response = await callBridge(`${options.baseUrl}${mediaRef}`, { method: 'GET', label: '/api/files', headers: headers(), deadlineMs: options.mediaTimeoutMs ?? 15_000 });
        const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
        return { body: await bytesOf(response, '/api/files'), contentType };
      });
    },

    async loginQr(phone) {
      const path = `/api/${encodeURIComponent(await options.sessionOf(phone))}/auth/qr?format=image`;
      return withRetry(retry, async () => {
        const response = await callBridge(`${options.baseUrl}${path}`, { method: 'GET', label: path, headers: headers({ accept: 'application/json' }), deadlineMs: timeoutMs });
        const type = response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
        // Asked for JSON, WAHA answers {mimetype, data}; some versions send the PNG itself.
        if (type === 'application/json') {
          const body = (await jsonOf(response, path)) as { mimetype?: unknown; data?: unknown };
          if (typeof body.data !== 'string' || body.data === '') throw new BridgeError(`bridge ${path}: answer has no QR`, true);
          const mimetype = typeof body.mimetype === 'string' && body.mimetype.startsWith('image/') ? body.mimetype : 'image/png';
          return { qr: `data:${mimetype};base64,${body.data}`, expiresAt: now() + LOGIN_QR_TTL_MS };
        }
        if (!type.startsWith('image/')) throw new BridgeError(`bridge ${path}: answered ${type || 'no content type'}, not an image`, true);
        return { qr: `data:${type};base64,${(await bytesOf(response, path)).toString('base64')}`, expiresAt: now() + LOGIN_QR_TTL_MS };
      });
    },

    async createGroup(phone, name, members) {
      const session = await options.sessionOf(phone);
      const path = `/api/${encodeURIComponent(session)}/groups`;
      const answer = (await post(path, { name, participants: members.map((m) => ({ id: chatIdOf(m) })) })) as Record<string, unknown> | undefined;
      const id = answer?.id ?? answer?.gid;
      const groupId = typeof id === 'string' ? id : ((id as { _serialized?: unknown } | undefined)?._serialized as string | undefined);
      if (typeof groupId !== 'string') throw new BridgeError(`bridge ${path}: answer has no group id`, true);
      const participants = answer?.participants;
      const codes = codesByDigits(participants);
      // An answer listing members without codes (the group's metadata) means they are in it.
      if (Array.isArray(participants)) for (const [digits, code] of codes) if (code === undefined) codes.set(digits, 200);
      return { groupId, results: await settle(session, groupId, members, codes) };
    },

    async addToGroup(phone, groupId, members) {
      const session = await options.sessionOf(phone);
      const path = `/api/${encodeURIComponent(session)}/groups/${encodeURIComponent(groupId)}/participants/add`;
      const answer = await post(path, { participants: members.map((m) => ({ id: chatIdOf(m) })) });
      const codes = codesByDigits(answer);
      // Without per-member codes, a 2xx means WAHA added them all.
      if (codes.size === 0) for (const m of members) codes.set(digitsOf(m), 200);
      return { results: await settle(session, groupId, members, codes) };
    },
  };
}
