// Webhook ids on both engines: a claim tells a new id from a replay by the primary key (also
// when two deliveries race), commits or rolls back with its transaction, and pruning forgets
// only old ids, a batch at a time.
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDeliveriesRepository } from '../../src/bridge/deliveries.repository.js';
import { claimWebhookId } from '../../src/messages/webhook-ids.repository.js';
import type { Store } from '../../src/db/store.js';
import { engineStores, ENGINES } from './contract-stores.js';

describe.each(ENGINES)('webhook deliveries on %s', (engine) => {
  const stores = engineStores(engine, 'deliveries');
  const ids = async (store: Store) => {
    const { webhookDeliveries } = store.tables;
    return (await store.db.select({ id: webhookDeliveries.webhookId }).from(webhookDeliveries).orderBy(asc(webhookDeliveries.webhookId))).map((r) => r.id);
  };

  it('claims a new id once; a replay is told apart without an error', async () => {
    const store = await stores.fresh();
    expect(await store.transaction((tx) => claimWebhookId(tx, 'msg_1', 'messageCallback', 1000))).toBe(true);
    expect(await store.transaction((tx) => claimWebhookId(tx, 'msg_1', 'phoneStatus', 2000))).toBe(false);
    expect(await store.transaction((tx) => claimWebhookId(tx, 'msg_2', 'phoneStatus', 2000))).toBe(true);
    expect(await ids(store)).toEqual(['msg_1', 'msg_2']);
  });

  it('forgets a claim whose transaction rolled back, so the retry is taken', async () => {
    const store = await stores.fresh();
    await expect(
      store.transaction(async (tx) => {
        expect(await claimWebhookId(tx, 'msg_lost', 'messageCallback', 1000)).toBe(true);
        throw new Error('storing failed');
      }),
    ).rejects.toThrow('storing failed');
    expect(await ids(store)).toEqual([]);
    expect(await store.transaction((tx) => claimWebhookId(tx, 'msg_lost', 'messageCallback', 1000))).toBe(true);
  });

  it('lets exactly one of two racing deliveries of an id through', async () => {
    const store = await stores.fresh();
    // PostgreSQL: a second pool on the database, as another host. SQLite: the same store (two
    // connections in one thread would block each other's BEGIN IMMEDIATE; its processes race
    // through the file lock, which the unique key settles the same way).
    const other = engine === 'pg' ? await stores.again() : store;
    const claim = (s: Store) => s.transaction((tx) => claimWebhookId(tx, 'msg_race', 'messageCallback', 1000));
    const answers = await Promise.all([claim(store), claim(other), claim(store), claim(other)]);
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('prunes ids received before the bound, at most a batch per call', async () => {
    const store = await stores.fresh();
    const { webhookDeliveries } = store.tables;
    await store.db.insert(webhookDeliveries).values(Array.from({ length: 7 }, (_, i) => ({ webhookId: `old-${i}`, path: 'messageCallback', receivedAt: 100 + i })));
    await store.db.insert(webhookDeliveries).values([
      { webhookId: 'edge', path: 'messageCallback', receivedAt: 1000 },
      { webhookId: 'new', path: 'messageCallback', receivedAt: 5000 },
    ]);
    const deliveries = createDeliveriesRepository(store);
    expect(await deliveries.prune(1000, 5)).toBe(5);
    expect(await deliveries.prune(1000, 5)).toBe(2);
    expect(await deliveries.prune(1000, 5)).toBe(0);
    expect(await ids(store)).toEqual(['edge', 'new']);
  });
});
