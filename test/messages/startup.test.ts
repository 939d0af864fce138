import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { createPendingMessage } from '../../src/messages/outbound.repository.js';
import { startHub } from '../helpers/hub.js';
import { eventually, messageIn, ownedTargetIn } from './fixtures.js';

describe('hub start', () => {
  it('ends replies left pending by a stopped hub as failed, and leaves fresh ones alone', async () => {
    const first = await startHub();
    const target = await ownedTargetIn(first.hub.store, 'seat1');
    const base = { seatId: target.seatId, accountId: target.accountId, targetId: target.targetId, contentType: '1', content: 'x', tzName: 'Asia/Shanghai' };
    const stale = await createPendingMessage(first.hub.store, { ...base, clientMsgId: 'stale', now: Date.now() - 10 * 60_000 });
    const fresh = await createPendingMessage(first.hub.store, { ...base, clientMsgId: 'fresh', now: Date.now() });
    await first.hub.close();
    const second = await startHub({ dir: first.dir });
    try {
      // The sweep runs beside the start, not before it answers.
      await eventually(async () => (await messageIn(second.hub.store, stale.message.id))?.status === 'failed', 5000, 'the stale reply failed');
      expect(await messageIn(second.hub.store, stale.message.id)).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/hub stopped/) });
      expect((await messageIn(second.hub.store, fresh.message.id))!.status).toBe('pending');
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('plays sandbox inbound demo traffic only when asked to', async () => {
    const quiet = await startHub();
    const loud = await startHub({ env: { SANDBOX_INBOUND_PER_MINUTE: '6000' } });
    try {
      const countOf = async (store: Store) => (await store.db.select({ n: count() }).from(store.tables.messages))[0]!.n;
      const quietBefore = await countOf(quiet.hub.store);
      const loudBefore = await countOf(loud.hub.store);
      await eventually(async () => (await countOf(loud.hub.store)) >= loudBefore + 3, 5000, 'demo messages');
      expect(await countOf(quiet.hub.store)).toBe(quietBefore);
    } finally {
      await quiet.close();
      await loud.close();
    }
  });
});
