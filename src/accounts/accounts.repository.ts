// The accounts a user may see, with the unread count of the conversations their seat owns.
import type { SeatScope } from '../access/access.js';
import type { Sqlite } from '../db/open.js';
import type { AccountStatus } from '../db/schema.js';

export interface AccountRow {
  accountId: number;
  phone: string;
  platform: 'whatsapp' | 'telegram';
  status: AccountStatus;
  statusReason: string | null;
  seatId: number | null;
  unread: number;
}

// Unread counts only conversations the account's own seat still owns: a target transferred
// away is the receiving seat's to read (conversations_account narrows to the account first).
const SELECT = `
SELECT a.id AS accountId, a.phone, a.platform, a.status, a.status_reason AS statusReason, a.seat_id AS seatId,
  coalesce((SELECT sum(c.unread_count) FROM conversations c INDEXED BY conversations_account
            WHERE c.account_id = a.id AND c.seat_id = a.seat_id), 0) AS unread
FROM accounts a`;

const BY_SCOPE = {
  seat: `${SELECT} INDEXED BY accounts_seat WHERE a.seat_id = :seatId ORDER BY a.id`,
  branch: `${SELECT} WHERE a.seat_id IN (SELECT u.id FROM users u WHERE u.branch_id = :branchId AND u.role = 'seat') ORDER BY a.id`,
  // Like the other scopes, the accounts seats hold: an unassigned one is administered under
  // /xd/admin/accounts, not worked in the seat console.
  all: `${SELECT} WHERE a.seat_id IS NOT NULL ORDER BY a.id`,
};

export function createAccountsRepository(sqlite: Sqlite) {
  const seat = sqlite.prepare(BY_SCOPE.seat);
  const branch = sqlite.prepare(BY_SCOPE.branch);
  const all = sqlite.prepare(BY_SCOPE.all);

  return {
    visibleAccounts(scope: SeatScope): AccountRow[] {
      switch (scope.kind) {
        case 'seat':
          return seat.all({ seatId: scope.seatId }) as AccountRow[];
        case 'branch':
          return branch.all({ branchId: scope.branchId }) as AccountRow[];
        case 'all':
          return all.all() as AccountRow[];
        case 'none':
          return [];
      }
    },
  };
}
