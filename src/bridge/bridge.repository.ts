// Accounts and proxies as the bridge sees them, and the account status it reports.
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { appendActivitySync } from '../activity/activity.repository.js';
import { writeTransaction, type Db } from '../db/open.js';
import { accounts, proxies, users, type AccountStatus } from '../db/schema.js';
import { hubError, notFound } from '../http/errors.js';
import { claimWebhookIdSync } from './deliveries.repository.js';

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

export function applyPhoneStatus(
  db: Db,
  report: { phone: string; status: AccountStatus; reason?: string },
  options: { now: number; webhookId?: string },
): PhoneStatusResult {
  return writeTransaction(db, (tx) => {
    const account = tx
      .select({ id: accounts.id, seatId: accounts.seatId, status: accounts.status, reason: accounts.statusReason, branchId: users.branchId, disabled: accounts.disabled })
      .from(accounts)
      .leftJoin(users, eq(users.id, accounts.seatId))
      .where(eq(accounts.phone, report.phone))
      .get();
    if (!account) throw notFound('phone');
    if (account.disabled) throw hubError('bridge_account_disabled', 'account disabled');
    if (options.webhookId !== undefined && !claimWebhookIdSync(tx, options.webhookId, 'phoneStatus', options.now)) {
      return { duplicate: true, accountId: account.id, status: account.status };
    }
    const reason = report.reason ?? null;
    if (account.status === report.status && account.reason === reason) {
      return { duplicate: false, accountId: account.id, status: account.status, change: null };
    }
    tx.update(accounts).set({ status: report.status, statusReason: reason, statusAt: options.now }).where(eq(accounts.id, account.id)).run();
    const { cursor, seq } = appendActivitySync(tx, { seatId: account.seatId, kind: 'account', at: options.now });
    return {
      duplicate: false,
      accountId: account.id,
      status: report.status,
      change: { accountId: account.id, phone: report.phone, seatId: account.seatId, branchId: account.branchId, status: report.status, reason, cursor, seq },
    };
  });
}

const proxyColumns = { host: proxies.host, port: proxies.port, protocol: proxies.protocol, username: proxies.username, password: proxies.password };

export function proxyForPhone(db: Db, phone: string) {
  const row = db
    .select({ accountId: accounts.id, proxy: proxyColumns })
    .from(accounts)
    .leftJoin(proxies, eq(proxies.id, accounts.proxyId))
    .where(eq(accounts.phone, phone))
    .get();
  if (!row) throw notFound('phone');
  if (!row.proxy) throw notFound('proxy for this phone');
  return row.proxy;
}

/** The accounts the bridge should keep logged in: every enabled account assigned to a seat. */
export function bridgeAccounts(db: Db) {
  return db
    .select({ id: accounts.id, phone: accounts.phone, platform: accounts.platform, status: accounts.status, proxy: proxyColumns })
    .from(accounts)
    .leftJoin(proxies, eq(proxies.id, accounts.proxyId))
    .where(and(isNotNull(accounts.seatId), eq(accounts.disabled, false)))
    .orderBy(accounts.id)
    .all();
}

export function phoneOfAccount(db: Db, accountId: number): string | undefined {
  return db.select({ phone: accounts.phone }).from(accounts).where(eq(accounts.id, accountId)).get()?.phone;
}

/** The WAHA session / Evolution instance name of an account: its own, or its phone's digits. */
export function sessionNameOf(account: { phone: string; bridgeSession: string | null }): string {
  return account.bridgeSession ?? account.phone.replace(/\D/g, '');
}

/** The session name of the account with this phone, or undefined for an unknown phone. */
export function sessionOfPhone(db: Db, phone: string): string | undefined {
  const row = db.select({ phone: accounts.phone, bridgeSession: accounts.bridgeSession }).from(accounts).where(eq(accounts.phone, phone)).get();
  return row ? sessionNameOf(row) : undefined;
}

/**
 * The account a webhook's session/instance names: the one whose bridge_session it is, else the
 * one whose phone has exactly those digits and no session of its own.
 */
export function accountOfSession(db: Db, session: string) {
  const columns = { id: accounts.id, phone: accounts.phone, seatId: accounts.seatId, branchId: users.branchId };
  const named = db.select(columns).from(accounts).leftJoin(users, eq(users.id, accounts.seatId)).where(eq(accounts.bridgeSession, session)).get();
  if (named) return named;
  if (!/^\d{1,20}$/.test(session)) return undefined;
  return db
    .select(columns)
    .from(accounts)
    .leftJoin(users, eq(users.id, accounts.seatId))
    .where(and(inArray(accounts.phone, [`+${session}`, session]), isNull(accounts.bridgeSession)))
    .get();
}

/** The rooms an account's pushes go to: its seat's and that seat's branch's. */
export function accountRooms(db: Db, accountId: number) {
  return db
    .select({ id: accounts.id, seatId: accounts.seatId, branchId: users.branchId })
    .from(accounts)
    .leftJoin(users, eq(users.id, accounts.seatId))
    .where(eq(accounts.id, accountId))
    .get();
}
