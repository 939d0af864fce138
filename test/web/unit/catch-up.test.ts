// Catch-up from the seat's seq position and history paging, against a fake hub answering the
// documented shapes.
import { describe, expect, it } from 'vitest';
import type { HistoryItem, HistoryPage, TimelineAlert } from '../../../src/web/api/types';
import { createSeqPosition } from '../../../src/web/realtime/stream-position';
import { createHistoryPager, HISTORY_PAGE, previousDay } from '../../../src/web/services/history';

const alert = (receId: string, unread: number): TimelineAlert => ({ receId, receName: receId, accountId: '1', unread, lastContent: null, lastSendTimeMs: null });

describe('stream position (seq)', () => {
  const page = (seq: number, more: boolean, ...ids: string[]) => ({ seq, more, alerts: ids.map((id) => alert(id, 1)) });

  it('asks from its position with sinceSeq, page after page while `more`, and moves to the answer', async () => {
    const position = createSeqPosition('5');
    position.reset(10);
    const asked: [string, number][] = [];
    const pages = [page(20, true, 'a'), page(30, false, 'b')];
    const applied: [string[], number][] = [];
    await position.catchUp('5', async (seat, since) => (asked.push([seat, since]), pages.shift()!), (alerts, at) => applied.push([alerts.map((a) => a.receId), at]));
    expect(asked).toEqual([['5', 10], ['5', 20]]);
    expect(applied).toEqual([[['a'], 20], [['b'], 30]]);
    expect(position.value).toBe(30);
  });

  it('applies last + 1, skips a repeat, and asks for a catch-up on a gap without moving', () => {
    let gaps = 0;
    const position = createSeqPosition('5', { onGap: () => (gaps += 1) });
    position.reset(4);
    expect(position.observe({ custServId: '5', seq: 5 })).toBe(true);
    expect(position.value).toBe(5);
    expect(position.observe({ custServId: '5', seq: 5 })).toBe(false);
    expect(position.observe({ custServId: '5', seq: 3 })).toBe(false);
    expect(gaps).toBe(0);
    // 6 went missing: 7 is applied (current state) but the position waits for the catch-up.
    expect(position.observe({ custServId: '5', seq: 7 })).toBe(true);
    expect(gaps).toBe(1);
    expect(position.value).toBe(5);
    // Hints and other seats' streams pass and move nothing.
    expect(position.observe({})).toBe(true);
    expect(position.observe({ custServId: '9', seq: 1 })).toBe(true);
    expect(position.value).toBe(5);
    expect(gaps).toBe(1);
  });

  it('catches up again when a push beyond its answer proves a newer gap, and never moves back', async () => {
    const position = createSeqPosition('5');
    position.reset(50);
    const asked: number[] = [];
    const answers = [page(52, false, 'a'), page(55, false, 'b')];
    // While the first answer is on its way, seq 55 arrives: the answer (52) does not cover it.
    await position.catchUp(
      '5',
      async (_seat, since) => {
        asked.push(since);
        if (asked.length === 1) position.observe({ custServId: '5', seq: 55 });
        return answers.shift()!;
      },
      () => undefined,
    );
    expect(asked).toEqual([50, 52]);
    expect(position.value).toBe(55);
    await position.catchUp('5', async () => page(40, false), () => undefined);
    expect(position.value).toBe(55);
  });

  it('joins a catch-up under way instead of racing it, and runs once more after it', async () => {
    const position = createSeqPosition('5');
    const asked: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = position.catchUp(
      '5',
      async (_seat, since) => {
        asked.push(since);
        if (asked.length === 1) await gate;
        return page(since + 1, false);
      },
      () => undefined,
    );
    const second = position.catchUp('5', async () => page(99, false), () => undefined);
    release();
    await Promise.all([first, second]);
    // The second request rode on the first: one more round from where the first ended.
    expect(asked).toEqual([0, 1]);
    expect(position.value).toBe(2);
  });
});

function fakeDays(days: Record<string, number>) {
  const calls: [string | undefined, number, number][] = [];
  const today = Object.keys(days).sort().at(-1)!;
  const item = (day: string, i: number): HistoryItem => ({ msgId: `${day}-${i}`, contentType: '1', content: '', sendTime: '', sendTimeMs: Date.parse(`${day}T00:00:00Z`) + i * 1000, sender: 1, contReadState: '1', status: 'received' });
  const fetchPage = async (day: string | undefined, pageNo: number, pageSize: number): Promise<HistoryPage> => {
    calls.push([day, pageNo, pageSize]);
    const d = day ?? today;
    const total = days[d] ?? 0;
    const from = (pageNo - 1) * pageSize;
    const items = Array.from({ length: Math.max(0, Math.min(pageSize, total - from)) }, (_, i) => item(d, from + i));
    return { receId: 'r', receName: 'r', occDate: d, total, pageno: pageNo, pageSize, contGroups: items };
  };
  return { calls, fetchPage, days };
}

describe('history pager', () => {
  it('opens on the newest page, then walks back by page and by day, skipping empty days', async () => {
    const hub = fakeDays({ '2026-11-20': 3, '2026-11-24': 0, '2026-11-25': HISTORY_PAGE + 30 });
    const seen = new Set<string>();
    const pager = createHistoryPager(hub.fetchPage, (items) => {
      let added = 0;
      for (const i of items) if (!seen.has(i.msgId)) (seen.add(i.msgId), (added += 1));
      return added;
    });
    await pager.loadLatest();
    expect(seen.size).toBe(30);
    expect(pager.state).toMatchObject({ day: '2026-11-25', page: 2 });
    expect(await pager.loadOlder()).toBe(HISTORY_PAGE);
    expect(pager.state).toMatchObject({ day: '2026-11-25', page: 1 });
    expect(await pager.loadOlder()).toBe(3);
    expect(pager.state.day).toBe('2026-11-20');
    expect(await pager.loadOlder()).toBe(0);
    expect(pager.state.exhausted).toBe(true);
  });

  it('reloads from the newest page back until a page holds a known message', async () => {
    const hub = fakeDays({ '2026-11-25': 10 });
    const seen = new Set<string>();
    const merge = (items: HistoryItem[]) => items.filter((i) => !seen.has(i.msgId) && seen.add(i.msgId)).length;
    const pager = createHistoryPager(hub.fetchPage, merge);
    await pager.loadLatest();
    hub.days['2026-11-25'] = 10 + HISTORY_PAGE + 5;
    hub.calls.length = 0;
    await pager.reload();
    expect(seen.size).toBe(10 + HISTORY_PAGE + 5);
    // probe, the last page (all new), page 1 (holds known ones) — then stop.
    expect(hub.calls.map((c) => c[1])).toEqual([1, 2, 1]);
  });

  it('knows the day before a day across months', () => {
    expect(previousDay('2026-03-01')).toBe('2026-02-28');
    expect(previousDay('2026-01-01')).toBe('2025-12-31');
  });
});
