// What a bridge's webhook event does to the hub, whichever driver sent it: messages go through
// the one ingest path, acks through the one status path, login state through account events,
// and a needed login fetches (or carries) a QR pushed as account:qr.
import type { FastifyBaseLogger } from 'fastify';
import type { AccountStatus } from '../db/schema.js';
import { HubError } from '../http/errors.js';
import type { BridgePort, LoginQr } from '../messages/bridge-port.js';
import type { BridgeMessage } from '../messages/inbound.repository.js';
import type { InboundIngest } from '../messages/ingest.js';
import type { MessageStatus } from '../messages/message-status.js';
import type { AccountEvents, AccountRooms } from './account-events.js';

export interface WebhookEffectsDeps {
  ingest: InboundIngest;
  statuses: MessageStatus;
  accountEvents: AccountEvents;
  bridge: Pick<BridgePort, 'loginQr'>;
  log?: FastifyBaseLogger;
}

export interface WebhookAccount extends AccountRooms {
  phone: string;
}

export function createWebhookEffects(deps: WebhookEffectsDeps) {
  return {
    async message(message: BridgeMessage, webhookId?: string) {
      const result = await deps.ingest(message, webhookId);
      if (result.duplicate) {
        return { handled: true, duplicate: true, msgId: result.messageId === null ? null : String(result.messageId), receId: result.targetId === null ? null : String(result.targetId) };
      }
      return { handled: true, duplicate: false, msgId: String(result.messageId), receId: String(result.target.id) };
    },

    /** An ack of a message the hub never sent (written on the phone before it knew) changes nothing. */
    async ack(phone: string, msgId: string, status: 'sent' | 'delivered' | 'read' | 'failed', webhookId?: string) {
      try {
        const result = await deps.statuses.apply({ phone, msgId, status }, webhookId);
        return { handled: true, duplicate: result.duplicate, msgId: result.messageId === null ? null : String(result.messageId), status: result.status ?? undefined };
      } catch (error) {
        if (error instanceof HubError && error.kind === 'notFound') return { handled: false, ignored: 'no message with that id' };
        throw error;
      }
    },

    async accountStatus(phone: string, report: { status: AccountStatus; reason?: string }, webhookId?: string) {
      const result = await deps.accountEvents.applyStatus({ phone, ...report }, webhookId);
      return { handled: true, duplicate: result.duplicate, status: result.status };
    },

    async pushQr(account: WebhookAccount, qr: LoginQr) {
      await deps.accountEvents.pushQr(account, qr);
    },

    /** Fetches the account's QR after the answer; the bridge's webhook never waits on it. */
    fetchQrLater(account: WebhookAccount) {
      void deps.bridge
        .loginQr(account.phone)
        .then(async (qr) => {
          if (qr) await deps.accountEvents.pushQr(account, qr);
        })
        .catch((error: unknown) => deps.log?.warn({ err: error, accountId: account.id }, 'login QR not fetched'));
    },
  };
}

export type WebhookEffects = ReturnType<typeof createWebhookEffects>;
