// The seat's timeline: every target by last message, newest first, with unread counts.
// Conversations are kept by id and the order as a list of ids, so a push moves one id and
// patches one row; the list component never rebuilds the other 499.
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, toRaw } from 'vue';
import type { ConvType, MessageNewPayload } from '../../realtime/events';
import type { Conversation, TimelineAlert } from '../api/types';

export interface TimelineEntry extends Conversation {
  /** Pushes at or below this seq of the seat's stream were already counted by a catch-up answer. */
  syncedAt: number;
}

export interface TimelineFilters {
  unreadOnly: boolean;
  convType: ConvType | '';
  /** Targets carrying the chosen seat tag (ids), or null for no tag filter. */
  tagTargets: Set<string> | null;
  accountId: string;
}

const byRecency = (a: TimelineEntry, b: TimelineEntry) => (b.lastSendTimeMs ?? 0) - (a.lastSendTimeMs ?? 0);

export const useTimelineStore = defineStore('timeline', () => {
  const entries = reactive(new Map<string, TimelineEntry>());
  /** Target ids, newest activity first. shallowRef: replaced, never deep-watched. */
  const order = shallowRef<string[]>([]);
  const filters = reactive<TimelineFilters>({ unreadOnly: false, convType: '', tagTargets: null, accountId: '' });
  const openReceId = ref<string | null>(null);
  /** Inbound message ids already counted as unread: a repeated push never counts twice. */
  const counted = new Set<string>();

  /** The loaded timeline; `position` is the stream position the answer covers. */
  function setAll(rows: Conversation[], position = 0): void {
    entries.clear();
    counted.clear();
    for (const row of rows) entries.set(row.receId, { ...row, syncedAt: position });
    order.value = [...entries.values()].sort(byRecency).map((e) => e.receId);
  }

  /** Moves one id to its place by recency: one splice out, one binary-searched splice in. */
  function reposition(receId: string): void {
    const entry = entries.get(receId);
    if (!entry) return;
    const ids = order.value.slice();
    const at = ids.indexOf(receId);
    if (at >= 0) ids.splice(at, 1);
    const time = entry.lastSendTimeMs ?? 0;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      // Newer or equal goes first: the latest push wins a tie.
      if ((entries.get(ids[mid]!)?.lastSendTimeMs ?? 0) > time) lo = mid + 1;
      else hi = mid;
    }
    ids.splice(lo, 0, receId);
    order.value = ids;
  }

  /**
   * A `message:new` push. `seen` is true when the seat is looking at that conversation now,
   * so an inbound message does not become unread.
   */
  function applyMessageNew(payload: MessageNewPayload, seen = false): void {
    const { message } = payload;
    let entry = entries.get(payload.receId);
    if (!entry) {
      entries.set(payload.receId, {
        receId: payload.receId,
        receName: payload.receName,
        accountId: payload.accountId,
        convType: payload.convType,
        lastContent: null,
        lastContentType: null,
        lastSendTimeMs: null,
        unread: 0,
        syncedAt: 0,
      });
      entry = entries.get(payload.receId)!;
    }
    entry.receName = payload.receName;
    entry.convType = payload.convType;
    if ((entry.lastSendTimeMs ?? 0) <= message.sendTimeMs) {
      entry.lastContent = message.content;
      entry.lastContentType = message.contentType;
      entry.lastSendTimeMs = message.sendTimeMs;
    }
    const alreadyCounted = counted.has(message.msgId) || payload.seq <= entry.syncedAt;
    if (message.sender === 1 && !alreadyCounted && !seen && message.contReadState === '0') {
      counted.add(message.msgId);
      entry.unread += 1;
    }
    if (counted.size > 20_000) counted.clear();
    reposition(payload.receId);
  }

  /** A catch-up answer: each alert carries the target's current state, which replaces ours. */
  function mergeAlerts(alerts: TimelineAlert[], position: number): void {
    for (const alert of alerts) {
      const entry = entries.get(alert.receId);
      if (entry) {
        entry.receName = alert.receName;
        entry.accountId = alert.accountId;
        entry.unread = alert.unread;
        if (alert.lastSendTimeMs !== null && alert.lastSendTimeMs >= (entry.lastSendTimeMs ?? 0)) {
          entry.lastContent = alert.lastContent;
          entry.lastSendTimeMs = alert.lastSendTimeMs;
        }
        entry.syncedAt = position;
      } else {
        entries.set(alert.receId, {
          receId: alert.receId,
          receName: alert.receName,
          accountId: alert.accountId,
          convType: null,
          lastContent: alert.lastContent,
          lastSendTimeMs: alert.lastSendTimeMs,
          unread: alert.unread,
          syncedAt: position,
        });
      }
      reposition(alert.receId);
    }
  }

  function markRead(receId: string): void {
    const entry = entries.get(receId);
    if (entry) entry.unread = 0;
  }

  function remove(receId: string): void {
    if (!entries.delete(receId)) return;
    order.value = order.value.filter((id) => id !== receId);
    if (openReceId.value === receId) openReceId.value = null;
  }

  /**
   * The rows the timeline shows. It depends on the order and the filters; entries are looked up
   * untracked (the `order` changes whenever one is added or removed) and handed out reactive, so
   * a changed unread count re-renders its row without re-running this for 500 entries.
   */
  const visible = computed<TimelineEntry[]>(() => {
    const out: TimelineEntry[] = [];
    const raw = toRaw(entries);
    const { unreadOnly, convType, accountId, tagTargets } = filters;
    const open = openReceId.value;
    for (const id of order.value) {
      const plain = raw.get(id);
      if (!plain) continue;
      const entry = reactive(plain) as TimelineEntry;
      // Only the unread filter needs to see unread changes (tracked read).
      if (unreadOnly && entry.unread === 0 && id !== open) continue;
      if (convType && plain.convType !== convType) continue;
      if (accountId && plain.accountId !== accountId) continue;
      if (tagTargets && !tagTargets.has(id)) continue;
      out.push(entry);
    }
    return out;
  });

  const unreadByAccount = computed(() => {
    const sums = new Map<string, number>();
    for (const entry of entries.values()) sums.set(entry.accountId, (sums.get(entry.accountId) ?? 0) + entry.unread);
    return sums;
  });

  const totalUnread = computed(() => {
    let sum = 0;
    for (const entry of entries.values()) sum += entry.unread;
    return sum;
  });

  return { entries, order, filters, openReceId, visible, unreadByAccount, totalUnread, setAll, applyMessageNew, mergeAlerts, markRead, remove, reposition };
});
