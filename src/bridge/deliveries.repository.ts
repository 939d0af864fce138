// Standard Webhooks ids already taken, and their pruning. A delivery's id is claimed inside the
// transaction that stores what it carried, so a replay is refused exactly when the first
// delivery committed; the primary key decides, on either engine and across hosts.
import { inArray, lt } from 'drizzle-orm';
import { affected, tablesOf, type Db, type Store } from '../db/store.js';

/**
 * True when `webhookId` is new (and is now taken), false when it was delivered before. On
 * PostgreSQL a concurrent first delivery makes this wait for its commit, then answers false.
 */
export async function claimWebhookId(tx: Db, webhookId: string, path: string, now: number): Promise<boolean> {
  const { webhookDeliveries } = tablesOf(tx);
  const rows = await tx
    .insert(webhookDeliveries)
    .values({ webhookId, path, receivedAt: now })
    .onConflictDoNothing()
    .returning({ webhookId: webhookDeliveries.webhookId });
  return rows.length > 0;
}

export function createDeliveriesRepository(store: Store) {
  const { webhookDeliveries } = store.tables;
  return {
    /**
     * Forgets webhook ids received before `before`, at most `batch` rows per call so the write
     * lock is held briefly. Answers how many rows went. By primary key: PostgreSQL has no rowid,
     * and neither engine takes a LIMIT on DELETE.
     */
    async prune(before: number, batch: number): Promise<number> {
      const oldest = store.db
        .select({ webhookId: webhookDeliveries.webhookId })
        .from(webhookDeliveries)
        .where(lt(webhookDeliveries.receivedAt, before))
        .limit(batch);
      return affected(await store.db.delete(webhookDeliveries).where(inArray(webhookDeliveries.webhookId, oldest)));
    },
  };
}

export type DeliveriesRepository = ReturnType<typeof createDeliveriesRepository>;
