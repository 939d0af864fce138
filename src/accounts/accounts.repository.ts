// The accounts a user may see, with the unread count of the conversations their seat owns.
// SQLite keeps its prepared statements with index hints (accounts.sqlite.ts); PostgreSQL asks
// the same question in plain SQL (accounts.pg.ts).
import type { SeatScope } from '../access/access.js';
import type { AccountStatus } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { createPgAccounts } from './accounts.pg.js';
import { createSqliteAccounts } from './accounts.sqlite.js';

export interface AccountRow {
  accountId: number;
  phone: string;
  platform: 'whatsapp' | 'telegram';
  status: AccountStatus;
  statusReason: string | null;
  seatId: number | null;
  unread: number;
}

export interface AccountsRepository {
  /** By account id. Unread counts only conversations the account's own seat still owns: a
   * target transferred away is the receiving seat's to read. */
  visibleAccounts(scope: SeatScope): Promise<AccountRow[]>;
}

export function createAccountsRepository(store: Store): AccountsRepository {
  return store.dialect === 'sqlite' ? createSqliteAccounts(store) : createPgAccounts(store);
}
