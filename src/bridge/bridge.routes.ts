// The bridge's signed calls to the hub under /xd/protocol. Each answers 2xx only after its
// transaction committed; the socket push follows the commit.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../http/errors.js';
import type { InboundIngest } from '../messages/ingest.js';
import { MessageCallbackBody, MessageCallbackResponse } from './bridge.schemas.js';
import { installWebhookVerification } from './webhook-verification.js';

export interface BridgeRoutesDeps {
  secret: string;
  ingest: InboundIngest;
}

const idOrNull = (id: number | null) => (id === null ? null : String(id));

export const bridgeCallbackRoutes: FastifyPluginAsyncTypebox<BridgeRoutesDeps> = async (app, deps) => {
  installWebhookVerification(app, deps.secret);

  app.post(
    '/messageCallback',
    {
      schema: { tags: ['bridge'], summary: 'A message the bridge saw on an account (signed)', body: MessageCallbackBody, response: MessageCallbackResponse },
    },
    async (request) => {
      const result = deps.ingest(request.body, request.webhookId);
      if (result.duplicate) return ok({ msgId: idOrNull(result.messageId), receId: idOrNull(result.targetId), duplicate: true });
      return ok({ msgId: String(result.messageId), receId: String(result.target.id), duplicate: false });
    },
  );
};
