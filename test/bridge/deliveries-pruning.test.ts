import { count } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDeliveryPruning, WEBHOOK_ID_RETENTION_MS } from '../../src/bridge/deliveries-pruning.js';
import { createDeliveriesRepository } from '../../src/bridge/deliveries.repository.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('webhook id retention', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startHub();
  });
  afterEach(() => t.close());

  it('forgets ids older than the retention, keeps recent ones, in batches', async () => {
    const { db, tables } = t.hub.store;
    const { webhookDeliveries } = tables;
    const now = Date.UTC(2026, 10, 24);
    const old = Array.from({ length: 12_000 }, (_, i) => ({ webhookId: `old-${i}`, path: 'messageCallback', receivedAt: now - WEBHOOK_ID_RETENTION_MS - 1 - i }));
    for (let i = 0; i < old.length; i += 1000) await db.insert(webhookDeliveries).values(old.slice(i, i + 1000));
    await db.insert(webhookDeliveries).values({ webhookId: 'recent', path: 'messageCallback', receivedAt: now - WEBHOOK_ID_RETENTION_MS + 1 });
    const stop = startDeliveryPruning({ deliveries: createDeliveriesRepository(t.hub.store), clock: { now: () => now } });
    await stop();
    expect(await db.select({ id: webhookDeliveries.webhookId }).from(webhookDeliveries)).toEqual([{ id: 'recent' }]);
  });

  it('still refuses a replayed delivery within the retention', async () => {
    const body = inboundMessage({ phone: '+8613800000001', msgId: 'keep-1' });
    const first = await postCallback(t, 'messageCallback', body, { webhookId: 'msg_keep' });
    expect(first.body.data.duplicate).toBe(false);
    await startDeliveryPruning({ deliveries: createDeliveriesRepository(t.hub.store), clock: { now: () => Date.now() } })();
    const replay = await postCallback(t, 'messageCallback', { ...body, msgId: 'keep-2' }, { webhookId: 'msg_keep' });
    expect(replay.body.data.duplicate).toBe(true);
    const { webhookDeliveries } = t.hub.store.tables;
    expect((await t.hub.store.db.select({ n: count() }).from(webhookDeliveries))[0]!.n).toBeGreaterThan(0);
  });
});
