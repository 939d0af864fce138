// The SQLite accounts read: statements prepared once, run on the raw connection.
import type { Sqlite } from '../db/open.js';
import type { SqliteStore } from '../db/store.js';
import type { AccountRow, AccountsRepository } from './accounts.repository.js';

// conversations_account narrows to the account first, then the seat.
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

const prepareAll = (sqlite: Sqlite) => ({
  seat: sqlite.prepare(BY_SCOPE.seat),
  branch: sqlite.prepare(BY_SCOPE.branch),
  all: sqlite.prepare(BY_SCOPE.all),
});

export function createSqliteAccounts(store: SqliteStore): AccountsRepository {
  let prepared: ReturnType<typeof prepareAll> | undefined;

  return {
    async visibleAccounts(scope) {
      if (scope.kind === 'none') return [];
      return store.exclusive((sqlite) => {
        const q = (prepared ??= prepareAll(sqlite));
        switch (scope.kind) {
          case 'seat':
            return q.seat.all({ seatId: scope.seatId }) as AccountRow[];
          case 'branch':
            return q.branch.all({ branchId: scope.branchId }) as AccountRow[];
          case 'all':
            return q.all.all() as AccountRow[];
        }
      });
    },
  };
}
