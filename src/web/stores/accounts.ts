// The seat's accounts with their live status and, when one needs logging in, its QR code.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AccountQrPayload, AccountStatusPayload } from '../../realtime/events';
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

  return { list, setAll, applyStatus, applyQr };
});
