// Group commit: callbacks that arrive together are stored in one transaction, yet each is
// judged, deduplicated, answered and pushed exactly as if it had come alone.
import Database from 'better-sqlite3';
import { count, eq } from 'drizzle-orm';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboundStore, type BatchItem } from '../../src/messages/inbound.repository.js';
import { createInboundIngest } from '../../src/messages/ingest.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { testEngine } from '../helpers/engine.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, waitFor, type ClientSocket } from '../helpers/sockets.js';

const TZ = 'Asia/Shanghai';
const item = (input: BatchItem['input'], webhookId?: string): BatchItem => ({ input, options: { tzName: TZ, now: Date.now(), webhookId } });

describe('group commit', () => {
  let t: TestHub;
  let seat1: ClientSocket;
  const messageCount = async () => (await t.hub.store.db.select({ n: count() }).from(t.hub.store.tables.messages))[0]!.n;

  beforeAll(async () => {
    t = await startHub({ listen: true });
    seat1 = await connectSocket(t.url, await t.login('seat1'));
  });
  afterAll(async () => {
    seat1.close();
    await t.close();
  });

  it('stores a batch in order, each item on its own: one bad phone or duplicate spoils nothing else', async () => {
    const { db, tables } = t.hub.store;
    const { conversations, fanEvents } = tables;
    const before = await messageCount();
    const first = inboundMessage({ from: { id: 'gc-new-target', name: 'New', convType: 'stranger' } });
    const outcomes = await createInboundStore(t.hub.store).storeBatch([
      item(first, 'gc-w1'),
      item(inboundMessage({ phone: '+10000000000' }), 'gc-w2'),
      item({ ...first, content: 'same msgId again' }, 'gc-w3'),
      item(inboundMessage(), 'gc-w1'),
      item(inboundMessage({ from: { id: 'gc-new-target', name: 'New', convType: 'stranger' } }), 'gc-w5'),
    ]);

    const [a, badPhone, sameMsg, sameWebhook, b] = outcomes;
    if (!a || !('ok' in a) || a.ok.duplicate) throw new Error(`first item not stored: ${JSON.stringify(a)}`);
    expect(badPhone).toMatchObject({ error: expect.objectContaining({ message: expect.stringMatching(/phone not found/) }) });
    expect(sameMsg).toEqual({ ok: { duplicate: true, messageId: a.ok.messageId, targetId: a.ok.target.id } });
    expect(sameWebhook).toEqual({ ok: { duplicate: true, messageId: null, targetId: null } });
    if (!b || !('ok' in b) || b.ok.duplicate) throw new Error(`last item not stored: ${JSON.stringify(b)}`);

    // Later items see earlier ones: the new target was made once, with one fan.
    expect(a.ok.newFan).not.toBeNull();
    expect(b.ok.newFan).toBeNull();
    expect(b.ok.target.id).toBe(a.ok.target.id);
    expect(b.ok.cursor).toBeGreaterThan(a.ok.cursor);
    expect(await messageCount()).toBe(before + 2);
    expect(await db.select().from(fanEvents).where(eq(fanEvents.targetId, a.ok.target.id))).toHaveLength(1);
    expect((await db.select().from(conversations).where(eq(conversations.targetId, a.ok.target.id)))[0]).toMatchObject({
      unreadCount: 2,
      lastMessageId: b.ok.messageId,
    });
  });

  it('answers every concurrent callback after its commit, and pushes each stored one once', async () => {
    const pushed = collectEvents(seat1, 'message:new');
    const before = await messageCount();
    const bodies = Array.from({ length: 40 }, (_, i) => inboundMessage({ content: `burst ${i}`, from: { id: `gc-burst-${i % 4}`, name: 'Burst', convType: 'stranger' } }));
    const answers = await Promise.all([
      ...bodies.map((body) => postCallback(null, 'messageCallback', body, { url: t.url })),
      postCallback(null, 'messageCallback', inboundMessage({ phone: '+10000000000' }), { url: t.url }),
      postCallback(null, 'messageCallback', bodies[7], { url: t.url }),
    ]);

    const stored = answers.slice(0, 40);
    expect(stored.map((a) => a.status)).toEqual(Array(40).fill(200));
    expect(answers[40]).toMatchObject({ status: 404, body: { code: 404, msg: expect.stringMatching(/phone/) } });
    expect(answers[41]).toMatchObject({ status: 200 });
    // The replay and the original race; exactly one of them stored the message.
    const copies = [stored[7]!, answers[41]!].filter((a) => a.body.data.duplicate === false);
    expect(copies).toHaveLength(1);
    expect(await messageCount()).toBe(before + 40);

    // Every answer names a message that is in the database (committed before the answer).
    for (const a of [...stored, answers[41]!]) {
      const { messages } = t.hub.store.tables;
      const [row] = await t.hub.store.db.select().from(messages).where(eq(messages.id, Number(a.body.data.msgId)));
      expect(row?.content).toMatch(/^burst \d+$/);
    }
    await waitFor(() => pushed.length >= 40, 5000, '40 pushes');
    await new Promise((r) => setTimeout(r, 100));
    expect(pushed.map((e) => e.message.content).sort()).toEqual(bodies.map((b) => b.content).sort());
  });

  it('flushes a long queue in several transactions of at most maxBatch', async () => {
    const ingest = createInboundIngest({ store: t.hub.store, io: t.hub.io, clock: { now: () => Date.now() }, tzName: TZ, maxBatch: 3 });
    const before = await messageCount();
    const results = await Promise.all(Array.from({ length: 10 }, () => ingest(inboundMessage())));
    expect(results.every((r) => !r.duplicate)).toBe(true);
    expect(new Set(results.map((r) => (r.duplicate ? null : r.cursor))).size).toBe(10);
    expect(await messageCount()).toBe(before + 10);
  });

  // SQLite's write lock held by another connection of the file; PostgreSQL has no such lock.
  it.skipIf(testEngine === 'pg')('rejects every caller of a batch whose transaction cannot start, and stores none of it', async () => {
    const ingest = createInboundIngest({ store: t.hub.store, io: t.hub.io, clock: { now: () => Date.now() }, tzName: TZ });
    const before = await messageCount();
    // Another connection holds the write lock past the hub's busy timeout (shortened here).
    const sqlite = t.hub.database.sqlite;
    const other = new Database(join(t.dir, 'hub.db'));
    sqlite.pragma('busy_timeout = 50');
    other.exec('BEGIN IMMEDIATE');
    try {
      const pending = [ingest(inboundMessage()), ingest(inboundMessage())].map((p) => p.then(() => 'stored', (e: Error) => e.message));
      const outcome = await Promise.all(pending);
      expect(outcome).toEqual([expect.stringMatching(/locked|busy/i), expect.stringMatching(/locked|busy/i)]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      sqlite.pragma('busy_timeout = 5000');
    }
    expect(await messageCount()).toBe(before);
  });

  // As above: the busy timeout of SQLite's file lock.
  it.skipIf(testEngine === 'pg')('answers 503 while another process holds the write lock past the busy timeout', async () => {
    const sqlite = t.hub.database.sqlite;
    const other = new Database(join(t.dir, 'hub.db'));
    sqlite.pragma('busy_timeout = 50');
    other.exec('BEGIN IMMEDIATE');
    try {
      const answer = await postCallback(t, 'messageCallback', inboundMessage());
      expect(answer).toMatchObject({ status: 503, body: { code: 503, msg: expect.stringMatching(/busy/) } });
    } finally {
      other.exec('ROLLBACK');
      other.close();
      sqlite.pragma('busy_timeout = 5000');
    }
    expect((await postCallback(t, 'messageCallback', inboundMessage())).status).toBe(200);
  });
});
