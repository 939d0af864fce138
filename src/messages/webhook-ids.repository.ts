// Webhook ids already taken. Claimed inside the transaction that stores what the delivery
// carried, so a replay is refused exactly when the first delivery committed. Here, not in
// bridge/, because the message paths claim them and messages/ depends on no driver.
import type { Db } from '../db/open.js';
import { webhookDeliveries } from '../db/schema.js';

/** True when `webhookId` is new (and is now taken), false when it was delivered before. */
export function claimWebhookId(tx: Db, webhookId: string, path: string, now: number): boolean {
  const row = tx
    .insert(webhookDeliveries)
    .values({ webhookId, path, receivedAt: now })
    .onConflictDoNothing()
    .returning({ webhookId: webhookDeliveries.webhookId })
    .get();
  return row !== undefined;
}
