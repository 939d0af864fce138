// Standard Webhooks ids already taken. Claimed inside the transaction that stores what the
// delivery carried, so a replay is refused exactly when the first delivery committed.
import { sql } from 'drizzle-orm';
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
