// The pruning of Standard Webhooks ids already taken (claimed by messages/webhook-ids.repository.ts
// inside the transaction that stores what a delivery carried).
import { inArray, lt } from 'drizzle-orm';
import { affected, type Store } from '../db/store.js';

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
