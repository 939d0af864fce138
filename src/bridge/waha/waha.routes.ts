// POST /xd/protocol/waha: WAHA's webhook. Verified by X-Webhook-Hmac (hex HMAC-SHA512 of the
// raw body with WAHA_WEBHOOK_HMAC_KEY) before the body is parsed; an envelope older than an
// hour (or from the future) is refused like a bad signature, so a captured one cannot be
// replayed later.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { notFound, ok } from '../../http/errors.js';
import type { Clock } from '../../time.js';
import type { BridgeRepository } from '../bridge.repository.js';
import { installStrictValidation } from '../strict-validation.js';
import type { WebhookEffects } from '../webhook-effects.js';
import { badSignature, headerOf, installSignedJson, WebhookAnswer, type UnhandledEvents } from '../webhook-intake.js';
import { wahaAck, WahaEnvelope, wahaMessage, wahaSessionStatus } from './waha-events.js';

export interface WahaRoutesDeps {
  hmacKey: string;
  repository: Pick<BridgeRepository, 'accountOfSession'>;
  clock: Clock;
  effects: WebhookEffects;
  unhandled: UnhandledEvents;
}

export const MAX_EVENT_AGE_MS = 60 * 60_000;
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function wahaSignature(key: string, raw: string): string {
  return createHmac('sha512', key).update(raw).digest('hex');
}

export const wahaRoutes: FastifyPluginAsyncTypebox<WahaRoutesDeps> = async (app, deps) => {
  installSignedJson(app, (request, raw) => {
    const given = headerOf(request, 'x-webhook-hmac');
    if (!given) throw badSignature('x-webhook-hmac: header is required');
    const algorithm = headerOf(request, 'x-webhook-hmac-algorithm');
    if (algorithm !== undefined && algorithm.toLowerCase() !== 'sha512') throw badSignature('x-webhook-hmac-algorithm: must be sha512');
    const expected = Buffer.from(wahaSignature(deps.hmacKey, raw), 'hex');
    const actual = Buffer.from(/^[0-9a-fA-F]{128}$/.test(given) ? given : '', 'hex');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw badSignature('x-webhook-hmac: does not verify');
  });
  installStrictValidation(app);

  app.post(
    '/waha',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: { tags: ['bridge'], summary: "WAHA's webhook (X-Webhook-Hmac signed)", body: WahaEnvelope, response: WebhookAnswer },
    },
    async (request) => {
      const envelope = request.body;
      const now = deps.clock.now();
      if (envelope.timestamp !== undefined && (envelope.timestamp < now - MAX_EVENT_AGE_MS || envelope.timestamp > now + MAX_CLOCK_SKEW_MS)) {
        throw badSignature('timestamp: the event is stale or from the future');
      }
      const account = await deps.repository.accountOfSession(envelope.session);
      if (!account) {
        request.log.warn({ session: envelope.session, event: envelope.event }, 'WAHA webhook for an unknown session');
        throw notFound('session');
      }
      const event = envelope.event;
      const webhookId = envelope.id === undefined ? undefined : `waha:${envelope.id}`;
      switch (event) {
        case 'message':
        case 'message.any': {
          const message = wahaMessage(envelope.payload, account.phone);
          if (!message) return ok({ event, handled: false, ignored: 'not a conversation' });
          return ok({ event, ...(await deps.effects.message(message, webhookId)) });
        }
        case 'message.ack': {
          const ack = wahaAck(envelope.payload);
          if (!ack) return ok({ event, handled: false, ignored: 'not an ack the hub tracks' });
          return ok({ event, ...(await deps.effects.ack(account.phone, ack.msgId, ack.status, webhookId)) });
        }
        case 'session.status': {
          const state = wahaSessionStatus(envelope.payload);
          if (!state) return ok({ event, handled: false, ignored: 'unknown session state' });
          const result = await deps.effects.accountStatus(account.phone, { status: state.status, ...(state.reason ? { reason: state.reason } : {}) }, webhookId);
          if (state.wantsQr && !result.duplicate) deps.effects.fetchQrLater(account);
          return ok({ event, ...result });
        }
        default:
          deps.unhandled.count('waha', event);
          return ok({ event, handled: false, ignored: 'unsupported event' });
      }
    },
  );
};
