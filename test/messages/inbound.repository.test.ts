import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversations, fanEvents, messages } from '../../src/db/schema.js';
import { storeBridgeMessage, type BridgeMessage } from '../../src/messages/inbound.repository.js';
import { startHub, type TestHub } from '../helpers/hub.js';

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

describe('storeBridgeMessage', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startHub();
  });
  afterEach(() => t.close());

  it('creates a first-seen target with its conversation and one fan, then dedupes', () => {
    const db = t.hub.database.db;
    const first = storeBridgeMessage(db, base, { tzName: TZ, now: Date.now() });
    expect(first.duplicate).toBe(false);
    if (first.duplicate) return;
    expect(first.newFan).toEqual({ seatId: first.seatId, day: '2023-07-01' });
    expect(first.target).toMatchObject({ name: '曾林', convType: 'biDirFriend' });

    const again = storeBridgeMessage(db, { ...base, content: 'changed' }, { tzName: TZ, now: Date.now() });
    expect(again).toEqual({ duplicate: true, messageId: first.messageId, targetId: first.target.id });
    expect(db.select().from(messages).where(eq(messages.targetId, first.target.id)).all()).toHaveLength(1);

    const second = storeBridgeMessage(db, { ...base, msgId: 'm2', sendTime: base.sendTime + 1000 }, { tzName: TZ, now: Date.now() });
    if (second.duplicate) throw new Error('unexpected duplicate');
    expect(second.newFan).toBeNull();
    expect(second.cursor).toBeGreaterThan(first.cursor);
    const conversation = db.select().from(conversations).where(eq(conversations.targetId, first.target.id)).get();
    expect(conversation).toMatchObject({ unreadCount: 2, lastMessageId: second.messageId, lastCursor: second.cursor });
    expect(db.select().from(fanEvents).where(eq(fanEvents.targetId, first.target.id)).all()).toHaveLength(1);
  });

  it('keeps the newest message as last when an older one arrives late', () => {
    const db = t.hub.database.db;
    const newer = storeBridgeMessage(db, { ...base, msgId: 'new', content: 'newer' }, { tzName: TZ, now: Date.now() });
    storeBridgeMessage(db, { ...base, msgId: 'old', content: 'older', sendTime: base.sendTime - 60_000 }, { tzName: TZ, now: Date.now() });
    if (newer.duplicate) throw new Error('unexpected duplicate');
    const conversation = db.select().from(conversations).where(eq(conversations.targetId, newer.target.id)).get();
    expect(conversation).toMatchObject({ lastContent: 'newer', lastSendTime: base.sendTime, unreadCount: 2 });
  });

  it('refuses an unknown phone with 404 and stores nothing', () => {
    const db = t.hub.database.db;
    const before = db.select().from(messages).all().length;
    expect(() => storeBridgeMessage(db, { ...base, phone: '+10000000000' }, { tzName: TZ, now: Date.now() })).toThrow(/phone not found/);
    expect(db.select().from(messages).all().length).toBe(before);
  });
});
