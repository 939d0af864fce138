// The seat's accounts with their live status and, when one needs logging in, its QR code.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AccountAssignedPayload, AccountQrPayload, AccountStatusPayload, AccountUnassignedPayload } from '../../realtime/events';
import type { Account } from '../api/types';

export const useAccountsStore = defineStore('accounts', () => {
  const list = ref<Account[]>([]);

  function setAll(rows: Account[]): void {
    list.value = rows.map((row) => ({ ...row, qr: null }));
  }

  function applyStatus(payload: AccountStatusPayload): void {
    const account = list.value.find((a) => a.accountId === payload.accountId);
    if (!account) return;
    account.status = payload.status;
    if (payload.status !== 'loginRequired') account.qr = null;
  }

  function applyQr(payload: AccountQrPayload): void {
    const account = list.value.find((a) => a.accountId === payload.accountId);
    if (account) account.qr = payload.qr;
  }

  /** An account given to this seat (a live move): listed at once, once. */
  function applyAssigned(payload: AccountAssignedPayload): void {
    if (list.value.some((a) => a.accountId === payload.accountId)) return;
    list.value.push({ accountId: payload.accountId, phone: payload.phone, platform: payload.platform, status: payload.status, unread: 0, qr: null });
  }

  function applyUnassigned(payload: AccountUnassignedPayload): void {
    list.value = list.value.filter((a) => a.accountId !== payload.accountId);
  }

  return { list, setAll, applyStatus, applyQr, applyAssigned, applyUnassigned };
});
