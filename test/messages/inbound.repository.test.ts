import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeMessage, StoreOptions } from '../../src/messages/inbound.repository.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { storeInbound } from '../helpers/inbound-store.js';

const TZ = 'Asia/Shanghai';
const base: BridgeMessage = {
  phone: '+8613800000002',
  msgId: 'm1',
  direction: 'in',
  from: { id: 'wa-187', name: '曾林', convType: 'biDirFriend' },
  contentType: '1',
  content: '你好',
  sendTime: Date.UTC(2023, 6, 1, 2, 53, 52),
};

describe('storing a bridge message', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startHub();
  });
  afterEach(() => t.close());

  const storeOne = (input: BridgeMessage, options: StoreOptions) => storeInbound(t.hub.store, input, options);

  it('creates a first-seen target with its conversation and one fan, then dedupes', async () => {
    const { db, tables } = t.hub.store;
    const { conversations, fanEvents, messages } = tables;
    const first = await storeOne(base, { tzName: TZ, now: Date.now() });
    expect(first.duplicate).toBe(false);
    if (first.duplicate) return;
    expect(first.newFan).toEqual({ seatId: first.seatId, day: '2023-07-01' });
    expect(first.target).toMatchObject({ name: '曾林', convType: 'biDirFriend' });

    const again = await storeOne({ ...base, content: 'changed' }, { tzName: TZ, now: Date.now() });
    expect(again).toEqual({ duplicate: true, messageId: first.messageId, targetId: first.target.id });
    expect(await db.select().from(messages).where(eq(messages.targetId, first.target.id))).toHaveLength(1);

    const second = await storeOne({ ...base, msgId: 'm2', sendTime: base.sendTime + 1000 }, { tzName: TZ, now: Date.now() });
    if (second.duplicate) throw new Error('unexpected duplicate');
    expect(second.newFan).toBeNull();
    expect(second.cursor).toBeGreaterThan(first.cursor);
    const [conversation] = await db.select().from(conversations).where(eq(conversations.targetId, first.target.id));
    expect(conversation).toMatchObject({ unreadCount: 2, lastMessageId: second.messageId, lastCursor: second.cursor });
    expect(await db.select().from(fanEvents).where(eq(fanEvents.targetId, first.target.id))).toHaveLength(1);
  });

  it('keeps the newest message as last when an older one arrives late', async () => {
    const { db, tables } = t.hub.store;
    const newer = await storeOne({ ...base, msgId: 'new', content: 'newer' }, { tzName: TZ, now: Date.now() });
    await storeOne({ ...base, msgId: 'old', content: 'older', sendTime: base.sendTime - 60_000 }, { tzName: TZ, now: Date.now() });
    if (newer.duplicate) throw new Error('unexpected duplicate');
    const [conversation] = await db.select().from(tables.conversations).where(eq(tables.conversations.targetId, newer.target.id));
    expect(conversation).toMatchObject({ lastContent: 'newer', lastSendTime: base.sendTime, unreadCount: 2 });
  });

  it('refuses an unknown phone with 404 and stores nothing', async () => {
    const { db, tables } = t.hub.store;
    const messageCount = async () => (await db.select({ n: count() }).from(tables.messages))[0]!.n;
    const before = await messageCount();
    await expect(storeOne({ ...base, phone: '+10000000000' }, { tzName: TZ, now: Date.now() })).rejects.toThrow(/phone not found/);
    expect(await messageCount()).toBe(before);
  });
});
