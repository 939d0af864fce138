// The timeline store: ordering on pushes, unread counting, catch-up merge, filters.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MessageNewPayload } from '../../../src/realtime/events';
import type { Conversation } from '../../../src/web/api/types';
import { useTimelineStore } from '../../../src/web/stores/timeline';

const conversation = (receId: string, lastSendTimeMs: number, unread = 0, extra: Partial<Conversation> = {}): Conversation => ({
  receId,
  receName: `T${receId}`,
  accountId: '1',
  convType: 'stranger',
  lastContent: `last ${receId}`,
  lastSendTimeMs,
  unread,
  ...extra,
});

let msgCounter = 0;
function push(receId: string, sendTimeMs: number, options: { sender?: 0 | 1; msgId?: string; seq?: number; accountId?: string } = {}): MessageNewPayload {
  msgCounter += 1;
  return {
    accountId: options.accountId ?? '1',
    receId,
    receName: `T${receId}`,
    convType: 'stranger',
    cursor: 5000 + msgCounter,
    custServId: '7',
    seq: options.seq ?? 1000 + msgCounter,
    message: {
      msgId: options.msgId ?? `m${msgCounter}`,
      contentType: '1',
      content: `text ${msgCounter}`,
      sendTime: '',
      sendTimeMs,
      sender: options.sender ?? 1,
      contReadState: '0',
      status: options.sender === 0 ? 'pending' : 'received',
    },
  };
}

describe('timeline store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('orders targets by last message, newest first, and moves a pushed target to its place', () => {
    const timeline = useTimelineStore();
    timeline.setAll([conversation('a', 100), conversation('c', 300), conversation('b', 200)]);
    expect(timeline.order).toEqual(['c', 'b', 'a']);

    timeline.applyMessageNew(push('a', 400));
    expect(timeline.order).toEqual(['a', 'c', 'b']);
    expect(timeline.entries.get('a')!.lastContent).toMatch(/^text /);

    // A late message (older than the newest) lands by its time, not at the top.
    timeline.applyMessageNew(push('n', 250));
    expect(timeline.order).toEqual(['a', 'c', 'n', 'b']);
  });

  it('moves one id on a push and leaves the other entries untouched', () => {
    const timeline = useTimelineStore();
    timeline.setAll(Array.from({ length: 500 }, (_, i) => conversation(String(i), 10_000 - i)));
    const before = timeline.order;
    const others = new Map([...timeline.entries].filter(([id]) => id !== '250'));
    const snapshot = new Map([...others].map(([id, e]) => [id, { ...e }]));

    timeline.applyMessageNew(push('250', 20_000));
    expect(timeline.order[0]).toBe('250');
    expect(timeline.order.slice(1)).toEqual(before.filter((id) => id !== '250'));
    for (const [id] of others) expect({ ...timeline.entries.get(id)! }).toEqual(snapshot.get(id));
  });

  it('counts inbound messages once, never outbound ones or what the seat is looking at', () => {
    const timeline = useTimelineStore();
    timeline.setAll([conversation('a', 100)]);
    const first = push('a', 200);
    timeline.applyMessageNew(first);
    timeline.applyMessageNew(first);
    expect(timeline.entries.get('a')!.unread).toBe(1);

    timeline.applyMessageNew(push('a', 300, { sender: 0 }));
    expect(timeline.entries.get('a')!.unread).toBe(1);

    timeline.applyMessageNew(push('a', 400), true);
    expect(timeline.entries.get('a')!.unread).toBe(1);

    timeline.applyMessageNew(push('a', 500));
    expect(timeline.entries.get('a')!.unread).toBe(2);
    expect(timeline.totalUnread).toBe(2);
    expect(timeline.unreadByAccount.get('1')).toBe(2);

    timeline.markRead('a');
    expect(timeline.entries.get('a')!.unread).toBe(0);
  });

  it('takes a catch-up answer as the current state and does not count its messages again', () => {
    const timeline = useTimelineStore();
    timeline.setAll([conversation('a', 100, 1), conversation('b', 200, 0)], 50);
    // Missed while offline: 3 more on a (4 unread in all), a new target z with 2.
    timeline.mergeAlerts(
      [
        { receId: 'a', receName: 'Ta', accountId: '1', unread: 4, lastContent: 'fourth', lastSendTimeMs: 900 },
        { receId: 'z', receName: 'Tz', accountId: '2', unread: 2, lastContent: 'hi', lastSendTimeMs: 800 },
      ],
      90,
    );
    expect(timeline.order).toEqual(['a', 'z', 'b']);
    expect(timeline.entries.get('a')!.unread).toBe(4);
    expect(timeline.entries.get('a')!.lastContent).toBe('fourth');
    expect(timeline.entries.get('z')!.unread).toBe(2);

    // The push of a message the answer already covered arrives late: not counted twice.
    timeline.applyMessageNew(push('a', 900, { seq: 88 }));
    expect(timeline.entries.get('a')!.unread).toBe(4);
    // A newer one counts.
    timeline.applyMessageNew(push('a', 950, { seq: 91 }));
    expect(timeline.entries.get('a')!.unread).toBe(5);
  });

  it('filters by unread, conversation type, account and tag, keeping the open target', () => {
    const timeline = useTimelineStore();
    timeline.setAll([
      conversation('a', 300, 2, { convType: 'group' }),
      conversation('b', 200, 0, { convType: 'stranger', accountId: '2' }),
      conversation('c', 100, 1, { convType: 'stranger' }),
    ]);
    const ids = () => timeline.visible.map((e) => e.receId);
    timeline.filters.unreadOnly = true;
    expect(ids()).toEqual(['a', 'c']);
    timeline.openReceId = 'b';
    expect(ids()).toEqual(['a', 'b', 'c']);
    timeline.filters.unreadOnly = false;
    timeline.filters.convType = 'stranger';
    expect(ids()).toEqual(['b', 'c']);
    timeline.filters.accountId = '2';
    expect(ids()).toEqual(['b']);
    timeline.filters.accountId = '';
    timeline.filters.convType = '';
    timeline.filters.tagTargets = new Set(['c']);
    expect(ids()).toEqual(['c']);
  });

  it('drops a transferred target and closes it', () => {
    const timeline = useTimelineStore();
    timeline.setAll([conversation('a', 300), conversation('b', 200)]);
    timeline.openReceId = 'a';
    timeline.remove('a');
    expect(timeline.order).toEqual(['b']);
    expect(timeline.openReceId).toBeNull();
  });
});
