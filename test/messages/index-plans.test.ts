// Inbound rows carry no clientMsgId and are never pending, so the two indexes that serve only
// replies are partial: each inbound message writes two fewer index entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stalePendingQuery } from '../../src/messages/outbound.repository.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('reply-only indexes', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub();
  });
  afterAll(() => t.close());

  const plan = (query: string, params: unknown[]) =>
    (t.hub.database.sqlite.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it('finds stale pending replies through the partial index, not a scan of messages', () => {
    const { sql, params } = stalePendingQuery(t.hub.store.db, Date.now()).toSQL();
    const detail = plan(sql, params);
    expect(detail).toMatch(/USING INDEX messages_pending/);
    expect(detail).not.toMatch(/SCAN messages/);
  });

  it('finds a repeated clientMsgId through the partial unique index', () => {
    const detail = plan('SELECT id FROM messages WHERE sent_by_seat_id = ? AND client_msg_id = ?', [5, 'c-1']);
    expect(detail).toMatch(/USING (COVERING )?INDEX messages_seat_client_msg/);
  });
});
