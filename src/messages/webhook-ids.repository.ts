// Webhook ids already taken. Claimed inside the transaction that stores what the delivery
// carried, so a replay is refused exactly when the first delivery committed. Here, not in
// bridge/, because the message paths claim them and messages/ depends on no driver.
import { tablesOf, type Db } from '../db/store.js';

/** True when `webhookId` is new (and is now taken), false when it was delivered before. The
 * insert settles it (ON CONFLICT DO NOTHING), so two hosts claiming one id at once get one true. */
export async function claimWebhookId(tx: Db, webhookId: string, path: string, now: number): Promise<boolean> {
  const { webhookDeliveries } = tablesOf(tx);
  const rows = await tx
    .insert(webhookDeliveries)
    .values({ webhookId, path, receivedAt: now })
    .onConflictDoNothing()
    .returning({ webhookId: webhookDeliveries.webhookId });
  return rows.length > 0;
}

