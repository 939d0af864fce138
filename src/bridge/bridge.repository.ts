// Accounts and proxies as the bridge sees them, and the account status it reports.
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { AccountStatus } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { hubError, notFound } from '../http/errors.js';
import { appendActivity, latestCursor } from '../activity/activity.repository.js';
import { claimWebhookId } from '../messages/webhook-ids.repository.js';

export interface AccountStatusChange {
  accountId: number;
  phone: string;
  seatId: number | null;
  branchId: number | null;
  status: AccountStatus;
  reason: string | null;
  cursor: number;
  /** In the seat's stream; null when no seat holds the account. */
  seq: number | null;
}

export type PhoneStatusResult =
  | { duplicate: true; accountId: number; status: AccountStatus }
  | { duplicate: false; accountId: number; status: AccountStatus; change: AccountStatusChange | null };

export interface BridgeProxy {
  host: string;
  port: number;
  protocol: string;
  username: string | null;
  password: string | null;
}

/** Who an account's pushes go to. */
export interface AccountOwner {
  id: number;
  seatId: number | null;
  branchId: number | null;
}

/** The WAHA session / Evolution instance name of an account: its own, or its phone's digits. */
export function sessionNameOf(account: { phone: string; bridgeSession: string | null }): string {
  return account.bridgeSession ?? account.phone.replace(/\D/g, '');
}

export function createBridgeRepository(store: Store) {
  const { accounts, proxies, users } = store.tables;
  const db = store.db;
  const proxyColumns = { host: proxies.host, port: proxies.port, protocol: proxies.protocol, username: proxies.username, password: proxies.password };

  return {
    /**
     * Stores a reported status (and claims the delivery's webhook id) in one transaction; the
     * caller answers the bridge after it committed. The account's row is locked first on
     * PostgreSQL so that two hosts given the same report never both see it as a change.
     */
    async applyPhoneStatus(report: { phone: string; status: AccountStatus; reason?: string }, options: { now: number; webhookId?: string }): Promise<PhoneStatusResult> {
      return store.transaction(async (tx) => {
        if (store.dialect === 'pg') await store.rows(sql`SELECT 1 FROM accounts WHERE phone = ${report.phone} FOR UPDATE`, tx);
        const [account] = await tx
          .select({ id: accounts.id, seatId: accounts.seatId, status: accounts.status, reason: accounts.statusReason, branchId: users.branchId, disabled: accounts.disabled })
          .from(accounts)
          .leftJoin(users, eq(users.id, accounts.seatId))
          .where(eq(accounts.phone, report.phone));
        if (!account) throw notFound('phone');
        if (account.disabled) throw hubError('bridge_account_disabled', 'account disabled');
        if (options.webhookId !== undefined && !(await claimWebhookId(tx, options.webhookId, 'phoneStatus', options.now))) {
          return { duplicate: true, accountId: account.id, status: account.status };
        }
        const reason = report.reason ?? null;
        if (account.status === report.status && account.reason === reason) {
          return { duplicate: false, accountId: account.id, status: account.status, change: null };
        }
        await tx.update(accounts).set({ status: report.status, statusReason: reason, statusAt: options.now }).where(eq(accounts.id, account.id));
        const { cursor, seq } = await appendActivity(tx, { seatId: account.seatId, kind: 'account', at: options.now });
        return {
          duplicate: false,
          accountId: account.id,
          status: report.status,
          change: { accountId: account.id, phone: report.phone, seatId: account.seatId, branchId: account.branchId, status: report.status, reason, cursor, seq },
        };
      });
    },

    async proxyForPhone(phone: string): Promise<BridgeProxy> {
      const [row] = await db.select({ accountId: accounts.id, proxy: proxyColumns }).from(accounts).leftJoin(proxies, eq(proxies.id, accounts.proxyId)).where(eq(accounts.phone, phone));
      if (!row) throw notFound('phone');
      if (!row.proxy) throw notFound('proxy for this phone');
      return row.proxy;
    },

    /** The accounts the bridge should keep logged in: every enabled account assigned to a seat. */
    async bridgeAccounts() {
      return db
        .select({ id: accounts.id, phone: accounts.phone, platform: accounts.platform, status: accounts.status, proxy: proxyColumns })
        .from(accounts)
        .leftJoin(proxies, eq(proxies.id, accounts.proxyId))
        .where(and(isNotNull(accounts.seatId), eq(accounts.disabled, false)))
        .orderBy(accounts.id);
    },

    /** The session name of the account with this phone, or undefined for an unknown phone. */
    async sessionOfPhone(phone: string): Promise<string | undefined> {
      const [row] = await db.select({ phone: accounts.phone, bridgeSession: accounts.bridgeSession }).from(accounts).where(eq(accounts.phone, phone));
      return row ? sessionNameOf(row) : undefined;
    },

    /**
     * The account a webhook's session/instance names: the one whose bridge_session it is, else
     * the one whose phone has exactly those digits and no session of its own.
     */
    async accountOfSession(session: string): Promise<(AccountOwner & { phone: string }) | undefined> {
      const columns = { id: accounts.id, phone: accounts.phone, seatId: accounts.seatId, branchId: users.branchId };
      const [named] = await db.select(columns).from(accounts).leftJoin(users, eq(users.id, accounts.seatId)).where(eq(accounts.bridgeSession, session));
      if (named) return named;
      if (!/^\d{1,20}$/.test(session)) return undefined;
      const [byPhone] = await db
        .select(columns)
        .from(accounts)
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(and(inArray(accounts.phone, [`+${session}`, session]), isNull(accounts.bridgeSession)));
      return byPhone;
    },

    /** The newest activity cursor: what a hint that stores nothing (a login QR) carries. */
    async latestCursor(): Promise<number> {
      return latestCursor(db);
    },

    /** The rooms an account's pushes go to: its seat's and that seat's branch's. */
    async accountRooms(accountId: number): Promise<AccountOwner | undefined> {
      const [row] = await db
        .select({ id: accounts.id, seatId: accounts.seatId, branchId: users.branchId })
        .from(accounts)
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(eq(accounts.id, accountId));
      return row;
    },
  };
}

export type BridgeRepository = ReturnType<typeof createBridgeRepository>;
