// POST /xd/protocol/evolution (and /evolution/<event>, for instances set to "webhook by
// events"): Evolution API's webhook, authenticated before the body is parsed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { notFound, ok } from '../../http/errors.js';
import type { Clock } from '../../time.js';
import type { BridgeRepository } from '../bridge.repository.js';
import { installStrictValidation } from '../strict-validation.js';
import type { WebhookEffects } from '../webhook-effects.js';
import { installSignedJson, WebhookAnswer, type UnhandledEvents } from '../webhook-intake.js';
import { verifyEvolutionRequest } from './evolution-auth.js';
import { evolutionConnection, EvolutionEnvelope, evolutionMessage, evolutionQr, evolutionUpdate, normalizeEvent } from './evolution-events.js';

export interface EvolutionRoutesDeps {
  secret: string;
  repository: Pick<BridgeRepository, 'accountOfSession'>;
  clock: Clock;
  effects: WebhookEffects;
  unhandled: UnhandledEvents;
}

export const evolutionRoutes: FastifyPluginAsyncTypebox<EvolutionRoutesDeps> = async (app, deps) => {
  installSignedJson(app, (request) => verifyEvolutionRequest(request, deps.secret, deps.clock.now()));
  installStrictValidation(app);

  const options = {
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags: ['bridge'],
      summary: "Evolution API's webhook (x-hub-secret or Bearer HS256 JWT)",
      params: Type.Object({ eventPath: Type.Optional(Type.String({ maxLength: 64 })) }),
      body: EvolutionEnvelope,
      response: WebhookAnswer,
    },
  };

  const handler = async (request: { body: { event: string; instance: string; data: unknown }; log: { warn(o: object, m: string): void } }) => {
    const { instance, data } = request.body;
    const event = normalizeEvent(request.body.event);
    const account = await deps.repository.accountOfSession(instance);
    if (!account) {
      request.log.warn({ instance, event }, 'Evolution webhook for an unknown instance');
      throw notFound('instance');
    }
    switch (event) {
      // The echo of a send made through Evolution's API: the hub's own reply, already stored.
      case 'send.message':
        return ok({ event, handled: false, ignored: 'sent through the API' });
      case 'messages.upsert': {
        const message = evolutionMessage(data, account.phone);
        if (!message) return ok({ event, handled: false, ignored: 'not a chat message' });
        return ok({ event, ...(await deps.effects.message(message)) });
      }
      case 'messages.update': {
        const update = evolutionUpdate(data);
        if (!update) return ok({ event, handled: false, ignored: 'not an update the hub tracks' });
        return ok({ event, ...(await deps.effects.ack(account.phone, update.msgId, update.status)) });
      }
      case 'connection.update': {
        const state = evolutionConnection(data);
        if (!state) return ok({ event, handled: false, ignored: 'unknown connection state' });
        return ok({ event, ...(await deps.effects.accountStatus(account.phone, state)) });
      }
      case 'qrcode.updated': {
        const qr = evolutionQr(data, deps.clock.now());
        if (!qr) return ok({ event, handled: false, ignored: 'no QR in the event' });
        // A QR on offer means the account waits for a login.
        const result = await deps.effects.accountStatus(account.phone, { status: 'loginRequired', reason: 'scan the QR code' });
        await deps.effects.pushQr(account, qr);
        return ok({ event, ...result });
      }
      default:
        deps.unhandled.count('evolution', event);
        return ok({ event, handled: false, ignored: 'unsupported event' });
    }
  };

  app.post('/evolution', options, handler);
  app.post('/evolution/:eventPath', options, handler);
};
