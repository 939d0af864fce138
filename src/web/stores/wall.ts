// The supervisor's seat wall: every seat of the branch with online state, unread, today's fans,
// last activity and open conversations, kept live from pushes.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FansCountPayload, MessageNewPayload, SeatPresencePayload } from '../../realtime/events';
import type { SeatSummary } from '../api/types';

export const useWallStore = defineStore('wall', () => {
  const seats = ref<SeatSummary[]>([]);
  /** Which seat an account (or a target) belongs to, learnt from each seat's timeline. */
  const seatOfAccount = new Map<string, string>();
  const seatOfTarget = new Map<string, string>();

  function setAll(rows: SeatSummary[]): void {
    const previous = new Map(seats.value.map((s) => [s.custServId, s]));
    seats.value = rows.map((row) => ({ unread: 0, lastActivityMs: null, ...previous.get(row.custServId), ...row }));
  }

  function learn(custServId: string, conversations: { receId: string; accountId: string; unread: number; lastSendTimeMs: number | null }[]): void {
    const seat = seats.value.find((s) => s.custServId === custServId);
    let unread = 0;
    let last = 0;
    for (const c of conversations) {
      seatOfAccount.set(c.accountId, custServId);
      seatOfTarget.set(c.receId, custServId);
      unread += c.unread;
      last = Math.max(last, c.lastSendTimeMs ?? 0);
    }
    if (seat) {
      seat.unread = unread;
      seat.lastActivityMs = last || null;
    }
  }

  function seatOf(payload: { receId: string; accountId?: string; custServId?: string }): SeatSummary | undefined {
    const id = payload.custServId ?? seatOfTarget.get(payload.receId) ?? (payload.accountId ? seatOfAccount.get(payload.accountId) : undefined);
    return id === undefined ? undefined : seats.value.find((s) => s.custServId === id);
  }

  function applyMessageNew(payload: MessageNewPayload): void {
    const seat = seatOf(payload);
    if (!seat) return;
    seatOfTarget.set(payload.receId, seat.custServId);
    seat.lastActivityMs = Math.max(seat.lastActivityMs ?? 0, payload.message.sendTimeMs);
    if (payload.message.sender === 1) seat.unread = (seat.unread ?? 0) + 1;
  }

  function applyPresence(payload: SeatPresencePayload): void {
    const seat = seats.value.find((s) => s.custServId === payload.custServId);
    if (seat) seat.online = payload.online;
  }

  function applyFans(payload: FansCountPayload): void {
    const seat = seats.value.find((s) => s.custServId === payload.custServId);
    if (seat) seat.fansToday = payload.count;
  }

  const onlineCount = computed(() => seats.value.filter((s) => s.online).length);
  const unreadTotal = computed(() => seats.value.reduce((sum, s) => sum + (s.unread ?? 0), 0));

  return { seats, onlineCount, unreadTotal, setAll, learn, applyMessageNew, applyPresence, applyFans };
});
