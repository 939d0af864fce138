import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/db/schema.js';
import { createPendingMessage } from '../../src/messages/outbound.repository.js';
import { startHub } from '../helpers/hub.js';
import { waitFor } from '../helpers/sockets.js';
import { messageRow, ownedTarget } from './fixtures.js';

describe('hub start', () => {
  it('ends replies left pending by a stopped hub as failed, and leaves fresh ones alone', async () => {
    const first = await startHub();
    const db = first.hub.database.db;
    const target = ownedTarget(db, 'seat1');
    const base = { seatId: target.seatId, accountId: target.accountId, targetId: target.targetId, contentType: '1', content: 'x', tzName: 'Asia/Shanghai' };
    const stale = await createPendingMessage(first.hub.store, { ...base, clientMsgId: 'stale', now: Date.now() - 10 * 60_000 });
    const fresh = await createPendingMessage(first.hub.store, { ...base, clientMsgId: 'fresh', now: Date.now() });
    await first.hub.close();
    const second = await startHub({ dir: first.dir });
    try {
      expect(messageRow(second.hub.database.db, stale.message.id)).toMatchObject({ status: 'failed', statusReason: expect.stringMatching(/hub stopped/) });
      expect(messageRow(second.hub.database.db, fresh.message.id)!.status).toBe('pending');
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('plays sandbox inbound demo traffic only when asked to', async () => {
    const quiet = await startHub();
    const loud = await startHub({ env: { SANDBOX_INBOUND_PER_MINUTE: '6000' } });
    try {
      const countOf = (db: typeof quiet.hub.database.db) => db.select({ n: count() }).from(messages).get()!.n;
      const quietBefore = countOf(quiet.hub.database.db);
      const loudBefore = countOf(loud.hub.database.db);
      await waitFor(() => countOf(loud.hub.database.db) >= loudBefore + 3, 5000, 'demo messages');
      expect(countOf(quiet.hub.database.db)).toBe(quietBefore);
    } finally {
      await quiet.close();
      await loud.close();
    }
  });
});
