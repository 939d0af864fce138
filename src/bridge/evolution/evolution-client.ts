// Outbound calls to Evolution API v2: sends, originals, instance restart/connect, login QR and
// groups, each with the `apikey` header, a deadline and the hub's failure reasons.
import { BridgeError, type BridgePort, type GroupMemberResult, type SendRequest } from '../../messages/bridge-port.js';
import { LOGIN_QR_TTL_MS, mediaUrlOf, SEND_PATHS } from '../driver-common.js';
import { codesByDigits, digitsOf, memberResult } from '../group-results.js';
import { callBridge, DEFAULT_RETRY, jsonOf, withRetry, type RetryPolicy } from '../http-call.js';

export interface EvolutionClientOptions {
  baseUrl: string;
  apiKey: string;
  /** The instance running the account with this phone. */
  instanceOf: (phone: string) => string | Promise<string>;
  now?: () => number;
  timeoutMs?: number;
  mediaTimeoutMs?: number;
  retry?: RetryPolicy;
}

/** Evolution takes a number (digits) for people and the full jid for groups. */
const numberOf = (to: string) => (to.endsWith('@g.us') ? to : digitsOf(to));

type Json = Record<string, unknown> | undefined;

export function createEvolutionClient(options: EvolutionClientOptions): BridgePort {
  const timeoutMs = options.timeoutMs ?? 5000;
  const retry = options.retry ?? DEFAULT_RETRY;
  const now = options.now ?? Date.now;
  const instance = async (phone: string) => encodeURIComponent(await options.instanceOf(phone));

  async function call(method: 'GET' | 'POST', path: string, payload?: unknown, deadlineMs = timeoutMs): Promise<Json> {
    const label = path.split('?')[0]!;
    const response = await callBridge(`${options.baseUrl}${path}`, {
      method,
      label,
      headers: { apikey: options.apiKey, accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      body: payload === undefined ? undefined : JSON.stringify(payload),
      deadlineMs,
    });
    const body = (await jsonOf(response, label)) as Json;
    // Some instance calls answer 200 with {error: true, message}.
    if (body && body.error === true) throw new BridgeError(`bridge ${label}: ${String(body.message ?? 'error')}`.slice(0, 300), false);
    return body;
  }

  /** The QR of an instance that is waiting for a login, or null once it is logged in. */
  function qrOf(answer: Json) {
    const base64 = (answer?.base64 ?? (answer?.qrcode as Json)?.base64) as unknown;
    if (typeof base64 !== 'string' || base64 === '') return null;
    return { qr: base64.startsWith('data:image/') ? base64 : `data:image/png;base64,${base64}`, expiresAt: now() + LOGIN_QR_TTL_MS };
  }

  async function settle(phone: string, groupJid: string, members: string[], codes: Map<string, number | string | undefined>): Promise<GroupMemberResult[]> {
    const results = members.map((member) => memberResult(member, codes.get(digitsOf(member))));
    const toInvite = results.filter((r) => r.state === 'invited');
    if (toInvite.length === 0) return results;
    try {
      await call('POST', `/group/sendInvite/${await instance(phone)}`, { groupJid, description: '', numbers: toInvite.map((r) => digitsOf(r.member)) });
    } catch (error) {
      for (const result of toInvite) Object.assign(result, { state: 'failed', reason: `bridge_error: ${(error as Error).message}` });
    }
    return results;
  }

  return {
    kind: 'evolution',
    async send(request: SendRequest) {
      const number = numberOf(request.to);
      const mediatype = SEND_PATHS.evolution[request.contentType];
      let answer: Json;
      if (request.contentType === '3') answer = await call('POST', `/message/sendWhatsAppAudio/${await instance(request.phone)}`, { number, audio: mediaUrlOf(request) });
      else if (mediatype) answer = await call('POST', `/message/sendMedia/${await instance(request.phone)}`, { number, mediatype, media: mediaUrlOf(request) });
      else answer = await call('POST', `/message/sendText/${await instance(request.phone)}`, { number, text: request.content });
      const msgId = (answer?.key as Json)?.id;
      if (typeof msgId !== 'string') throw new BridgeError('bridge /message/send: answer has no key.id', true);
      return { msgId };
    },

    // A restart needs a live connection; a closed instance is connected again instead.
    async relogin(phone) {
      await withRetry(retry, async () => {
        try {
          await call('POST', `/instance/restart/${await instance(phone)}`, {});
        } catch (error) {
          if (!(error instanceof BridgeError) || error.retryable) throw error;
          await call('GET', `/instance/connect/${await instance(phone)}`);
        }
      });
    },

    // The original is named by its message key id; Evolution decrypts it and answers base64.
    async fetchMedia(phone, mediaRef) {
      return withRetry(retry, async () => {
        const answer = await call('POST', `/chat/getBase64FromMediaMessage/${await instance(phone)}`, { message: { key: { id: mediaRef } }, convertToMp4: false }, options.mediaTimeoutMs ?? 15_000);
        if (typeof answer?.base64 !== 'string') throw new BridgeError('bridge /chat/getBase64FromMediaMessage: answer has no base64', true);
        const contentType = typeof answer.mimetype === 'string' ? answer.mimetype.split(';')[0]!.trim() : 'application/octet-stream';
        return { body: Buffer.from(answer.base64, 'base64'), contentType };
      });
    },

    async loginQr(phone) {
      return withRetry(retry, async () => qrOf(await call('GET', `/instance/connect/${await instance(phone)}`)));
    },

    // Evolution drops numbers that are not on WhatsApp before creating the group.
    async createGroup(phone, name, members) {
      const answer = await call('POST', `/group/create/${await instance(phone)}`, { subject: name, participants: members.map(digitsOf) });
      const groupId = answer?.id;
      if (typeof groupId !== 'string') throw new BridgeError('bridge /group/create: answer has no id', true);
      const inGroup = new Set(codesByDigits(answer?.participants).keys());
      const codes = new Map<string, number>(members.map((m) => [digitsOf(m), inGroup.has(digitsOf(m)) ? 200 : 404]));
      return { groupId, results: await settle(phone, groupId, members, codes) };
    },

    async addToGroup(phone, groupId, members) {
      const answer = await call('POST', `/group/updateParticipant/${await instance(phone)}?groupJid=${encodeURIComponent(groupId)}`, { action: 'add', participants: members.map(digitsOf) });
      return { results: await settle(phone, groupId, members, codesByDigits(answer?.updateParticipants)) };
    },
  };
}
