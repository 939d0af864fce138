// Standard Webhooks ids already taken (claimed by messages/webhook-ids.repository.ts), and
// their pruning.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { webhookDeliveries } from '../db/schema.js';

export { claimWebhookId, claimWebhookIdSync } from '../messages/webhook-ids.repository.js';

/**
 * Forgets webhook ids received before `before`, at most `batch` rows per call so the write lock
 * is held briefly. Answers how many rows went.
 */
export function pruneWebhookDeliveries(db: Db, before: number, batch: number): number {
  return db.run(sql`
    DELETE FROM ${webhookDeliveries} WHERE rowid IN (
      SELECT rowid FROM ${webhookDeliveries} WHERE ${webhookDeliveries.receivedAt} < ${before} LIMIT ${batch}
    )`).changes;
}
