// The reads every authenticated request, socket handshake, socket event and revocation poll
// runs: one interface, an implementation per engine (chosen here, once).
import type { Role } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { createPgTokenLookup } from './token-lookup.pg.js';
import { createSqliteTokenLookup } from './token-lookup.sqlite.js';

/** A live token's row joined with its user (`disabled` still to be checked by the caller). */
export interface LiveTokenRow {
  id: number;
  username: string;
  name: string;
  role: Role;
  branchId: number | null;
  disabled: boolean;
  tokenId: number;
  expiresAt: number;
}

export interface TokenLookup {
  /** The unrevoked, unexpired token with this sha256, with its user. */
  liveToken(tokenHash: string, now: number): Promise<LiveTokenRow | undefined>;
  /** True while the token is neither revoked nor expired and its user is not disabled. */
  isTokenLive(tokenId: number, now: number): Promise<boolean>;
  /** Tokens revoked at or after `since` (epoch ms). */
  revokedTokenIdsSince(since: number): Promise<number[]>;
  disabledUserIds(): Promise<number[]>;
}

export function createTokenLookup(store: Store): TokenLookup {
  return store.dialect === 'sqlite' ? createSqliteTokenLookup(store) : createPgTokenLookup(store);
}
