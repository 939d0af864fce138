// The bridge's signed calls to the hub under /xd/protocol. Each answers 2xx only after its
// transaction committed; the socket push follows the commit.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../http/errors.js';
import type { InboundIngest } from '../messages/ingest.js';
import type { MessageStatus } from '../messages/message-status.js';
import type { AccountEvents } from './account-events.js';
import type { BridgeRepository } from './bridge.repository.js';
import {
  AccountsBody,
  AccountsResponse,
  MessageCallbackBody,
  MessageCallbackResponse,
  MessageStatusBody,
  MessageStatusResponse,
  PhoneStatusBody,
  PhoneStatusResponse,
  PhysicalIpBody,
  PhysicalIpResponse,
} from './bridge.schemas.js';
import { installStrictValidation } from './strict-validation.js';
import { installWebhookVerification } from './webhook-verification.js';

export interface BridgeRoutesDeps {
  secret: string;
  /** Told after an account's status changed (the dashboard's accounts online). */
  onPhoneStatusChanged?: (branchId: number | null, cursor: number) => void;
  ingest: InboundIngest;
  statuses: MessageStatus;
  accountEvents: AccountEvents;
  repository: BridgeRepository;
  /** Gives an account without a proxy one before physicalIp answers (the proxy pool's auto-assignment). */
  ensureProxy?: (phone: string) => Promise<void>;
}

const idOrNull = (id: number | null) => (id === null ? null : String(id));

export const bridgeCallbackRoutes: FastifyPluginAsyncTypebox<BridgeRoutesDeps> = async (app, deps) => {
  installWebhookVerification(app, deps.secret);
  installStrictValidation(app);

  app.post(
    '/messageCallback',
    {
      schema: { tags: ['bridge'], summary: 'A message the bridge saw on an account (signed)', body: MessageCallbackBody, response: MessageCallbackResponse },
    },
    async (request) => {
      const result = await deps.ingest(request.body, request.webhookId);
      if (result.duplicate) return ok({ msgId: idOrNull(result.messageId), receId: idOrNull(result.targetId), duplicate: true });
      return ok({ msgId: String(result.messageId), receId: String(result.target.id), duplicate: false });
    },
  );

  app.post(
    '/messageStatus',
    {
      schema: { tags: ['bridge'], summary: 'Status of a message the hub sent (signed); never moves backwards', body: MessageStatusBody, response: MessageStatusResponse },
    },
    async (request) => {
      const result = await deps.statuses.apply(request.body, request.webhookId);
      return ok({
        msgId: idOrNull(result.messageId),
        status: result.status,
        changed: !result.duplicate && result.change !== null,
        duplicate: result.duplicate,
      });
    },
  );

  app.post(
    '/phoneStatus',
    {
      schema: { tags: ['bridge'], summary: "An account's login state changed (signed)", body: PhoneStatusBody, response: PhoneStatusResponse },
    },
    async (request) => {
      const result = await deps.accountEvents.applyStatus(request.body, request.webhookId);
      const change = result.duplicate ? null : result.change;
      return ok({ accountId: String(result.accountId), status: result.status, changed: change !== null, duplicate: result.duplicate });
    },
  );

  app.post(
    '/physicalIp',
    { schema: { tags: ['bridge'], summary: 'The proxy assigned to an account (signed)', body: PhysicalIpBody, response: PhysicalIpResponse } },
    async (request) => {
      await deps.ensureProxy?.(request.body.phone);
      return ok(await deps.repository.proxyForPhone(request.body.phone));
    },
  );

  app.post(
    '/accounts',
    { schema: { tags: ['bridge'], summary: 'Accounts the bridge should keep logged in, with their proxies (signed)', body: AccountsBody, response: AccountsResponse } },
    async () =>
      ok((await deps.repository.bridgeAccounts()).map((a) => ({ accountId: String(a.id), phone: a.phone, platform: a.platform, status: a.status, proxy: a.proxy }))),
  );
};
