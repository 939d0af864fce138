// Message text reaches the search index in batches after the callback, not inside it. Search
// must still see every stored message, and the index must stay consistent with the text.
// The deferred index is SQLite's (FTS5); PostgreSQL's trigram indexes follow every write, so
// there the same searches must simply see the latest text.
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeBridgeMessage } from '../../src/messages/inbound.repository.js';
import { createSqliteStore } from '../../src/db/sqlite-store.js';
import { createMessageIndexer } from '../../src/search/message-index.repository.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { testEngine } from '../helpers/engine.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { storeInbound } from '../helpers/inbound-store.js';

describe('deferred message search index', () => {
  let t: TestHub;
  let token: string;
  beforeEach(async () => {
    t = await startHub();
    token = await t.login('seat1');
  });
  afterEach(() => t.close());

  const search = async (keyword: string) =>
    (await t.call('GET', `/xd/client/quickSearch?keyword=${encodeURIComponent(keyword)}`, { token })).body.data.messages.map((m: { content: string }) => m.content);
  const ftsIntegrity = () => {
    if (testEngine === 'sqlite') t.hub.database.sqlite.prepare("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)").run();
  };
  const store = (content: string) => {
    const stored = storeBridgeMessage(t.hub.database.db, inboundMessage({ content }), { tzName: 'Asia/Shanghai', now: Date.now() });
    if (stored.duplicate) throw new Error('unexpected duplicate');
    return stored.messageId;
  };
  // On SQLite these run synchronously (awaiting them yields to no timer, so the indexer cannot
  // run in between); on PostgreSQL through the store.
  const storeText = async (content: string) => {
    if (testEngine === 'sqlite') return store(content);
    const stored = await storeInbound(t.hub.store, inboundMessage({ content }), { tzName: 'Asia/Shanghai', now: Date.now() });
    if (stored.duplicate) throw new Error('unexpected duplicate');
    return stored.messageId;
  };
  const setContent = async (id: number, content: string) => {
    if (testEngine === 'sqlite') return void t.hub.database.sqlite.prepare('UPDATE messages SET content = ? WHERE id = ?').run(content, id);
    const { messages } = t.hub.store.tables;
    await t.hub.store.db.update(messages).set({ content }).where(eq(messages.id, id));
  };
  const remove = async (id: number) => {
    if (testEngine === 'sqlite') return void t.hub.database.sqlite.prepare('DELETE FROM messages WHERE id = ?').run(id);
    const { messages } = t.hub.store.tables;
    await t.hub.store.db.delete(messages).where(eq(messages.id, id));
  };

  // SQLite's FTS5 triggers.
  it.skipIf(testEngine === 'pg')('keeps the trigram index out of the callback transaction', () => {
    const triggers = t.hub.database.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages'").pluck().all();
    expect(triggers.sort()).toEqual(['messages_fts_after_delete', 'messages_fts_after_update']);
  });

  it('finds a message searched for right after its callback', async () => {
    const { status } = await postCallback(t, 'messageCallback', inboundMessage({ content: '刚刚到的询价单 quote-7731' }));
    expect(status).toBe(200);
    expect(await search('quote-7731')).toEqual(['刚刚到的询价单 quote-7731']);
    expect(await search('询价单')).toEqual(['刚刚到的询价单 quote-7731']);
  });

  it('indexes the final text of a message changed or deleted before it was indexed', async () => {
    // No timer can index between the store and the change (see storeText).
    const edited = await storeText('original wording alpha');
    await setContent(edited, 'revised wording omega');
    const removed = await storeText('doomed message sigma');
    await remove(removed);
    expect(await search('omega')).toEqual(['revised wording omega']);
    expect(await search('alpha')).toEqual([]);
    expect(await search('sigma')).toEqual([]);
    expect(() => ftsIntegrity()).not.toThrow();
    // And once indexed, a later change moves the index with it.
    await setContent(edited, 'revised again kappa');
    expect(await search('omega')).toEqual([]);
    expect(await search('kappa')).toEqual(['revised again kappa']);
    expect(() => ftsIntegrity()).not.toThrow();
  });

  // Two SQLite connections on the file, and FTS5's own count.
  it.skipIf(testEngine === 'pg')('indexes each message once when two connections share the file', async () => {
    const other = new Database(join(t.dir, 'hub.db'));
    other.pragma('busy_timeout = 5000');
    const theirStore = createSqliteStore(other, () => other.close());
    try {
      const mine = createMessageIndexer(t.hub.store);
      const theirs = createMessageIndexer(theirStore);
      await mine.catchUp(100); // the demo messages, seeded after the migrations
      for (let i = 0; i < 120; i++) store(`shared file message ${i}`);
      let indexed = 0;
      for (let round = 0; round < 100 && !((await mine.upToDate()) && (await theirs.upToDate())); round++) {
        indexed += await (round % 2 === 0 ? mine : theirs).indexBatch(7);
      }
      expect(await mine.upToDate()).toBe(true);
      // The batches (and, at most, a tick of the timer) indexed each of the 120 exactly once.
      expect(indexed).toBeLessThanOrEqual(120);
      expect(indexed).toBeGreaterThan(0);
      expect(() => ftsIntegrity()).not.toThrow();
      const hits = t.hub.database.sqlite.prepare("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '\"shared file message\"'").pluck().get();
      expect(hits).toBe(120);
    } finally {
      await theirStore.close();
    }
  });
});
