import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useAccountsStore } from '../../../src/web/stores/accounts';

describe('accounts store: live moves', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists an assigned account once and drops an unassigned one', () => {
    const store = useAccountsStore();
    store.setAll([{ accountId: '1', phone: '+8613800000001', platform: 'whatsapp', status: 'online', unread: 2 }]);
    const assigned = { accountId: '9', phone: '+8613800000009', platform: 'whatsapp', status: 'loginRequired' as const, cursor: 5, custServId: '7', seq: 3 };
    store.applyAssigned(assigned);
    store.applyAssigned(assigned);
    expect(store.list.map((a) => a.accountId)).toEqual(['1', '9']);
    expect(store.list[1]).toMatchObject({ status: 'loginRequired', unread: 0, qr: null });
    store.applyUnassigned({ accountId: '1', cursor: 6, custServId: '7', seq: 4 });
    expect(store.list.map((a) => a.accountId)).toEqual(['9']);
  });
});
