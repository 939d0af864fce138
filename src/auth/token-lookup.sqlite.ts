// SQLite: statements prepared once on the raw connection, run synchronously inside `exclusive`
// (no query building per request), as before the store existed.
import type { SqliteStore } from '../db/store.js';
import type { LiveTokenRow, TokenLookup } from './token-lookup.js';

export function createSqliteTokenLookup(store: SqliteStore): TokenLookup {
  const { sqlite } = store;
  const selectLiveToken = sqlite.prepare<{ hash: string; now: number }, Omit<LiveTokenRow, 'disabled'> & { disabled: number }>(`
    SELECT u.id, u.username, u.name, u.role, u.branch_id AS branchId, u.disabled, t.id AS tokenId, t.expires_at AS expiresAt
    FROM tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = :hash AND t.revoked_at IS NULL AND t.expires_at > :now`);
  const selectLiveTokenById = sqlite.prepare<{ tokenId: number; now: number }, { id: number }>(`
    SELECT t.id FROM tokens t JOIN users u ON u.id = t.user_id
    WHERE t.id = :tokenId AND t.revoked_at IS NULL AND t.expires_at > :now AND u.disabled = 0`);
  // Polled every second by every instance: both read a partial index, so they cost next to nothing.
  const selectRevokedSince = sqlite.prepare<{ since: number }, { id: number }>('SELECT id FROM tokens WHERE revoked_at >= :since');
  // A literal `= 1`, not a bound parameter, so SQLite matches the partial index users_disabled.
  const selectDisabledUsers = sqlite.prepare<[], { id: number }>('SELECT id FROM users WHERE disabled = 1');

  return {
    liveToken: (hash, now) =>
      store.exclusive(() => {
        const row = selectLiveToken.get({ hash, now });
        return row && { ...row, disabled: row.disabled !== 0 };
      }),
    isTokenLive: (tokenId, now) => store.exclusive(() => selectLiveTokenById.get({ tokenId, now }) !== undefined),
    revokedTokenIdsSince: (since) => store.exclusive(() => selectRevokedSince.all({ since }).map((row) => row.id)),
    disabledUserIds: () => store.exclusive(() => selectDisabledUsers.all().map((row) => row.id)),
  };
}
