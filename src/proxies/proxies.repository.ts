// The proxy pool's queries. Writes that count accounts against maxAccounts run in one
// write transaction, so two assignments can never overfill a proxy.
import { and, asc, count, desc, eq, isNull, like, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { appendActivitySync } from '../activity/activity.repository.js';
import { writeTransaction, type Db } from '../db/open.js';

/** Runs inside a write's transaction, after the change (an audit row commits with it). */
export type InTransaction<T> = (tx: Db, result: T) => void;
import { accounts, proxies, users, type ProxyStatus } from '../db/schema.js';
import { conflict, notFound } from '../http/errors.js';

export type ProxyRow = typeof proxies.$inferSelect;
export type ProxyWithCount = ProxyRow & { accounts: number };

export interface NewProxy {
  host: string;
  port: number;
  protocol: string;
  username?: string | null;
  password?: string | null;
  provider?: string | null;
  country?: string | null;
  expiresAt?: number | null;
  maxAccounts?: number;
}

export interface ProxyFilter {
  status?: ProxyStatus;
  provider?: string;
  keyword?: string;
}

/** An account using a proxy, with the branch whose room hears about that proxy. */
export interface ProxyUser {
  accountId: number;
  branchId: number | null;
}

// Spelled out: drizzle renders a lone column unqualified, which inside the subquery would mean accounts.id.
const accountCount = sql<number>`(SELECT count(*) FROM accounts a WHERE a.proxy_id = "proxies"."id")`.mapWith(Number);

const sameEndpoint = (p: Pick<NewProxy, 'host' | 'port' | 'username'>) =>
  and(eq(proxies.host, p.host), eq(proxies.port, p.port), p.username ? eq(proxies.username, p.username) : isNull(proxies.username));

export function createProxiesRepository(db: Db) {
  function exists(tx: Db, p: Pick<NewProxy, 'host' | 'port' | 'username'>, exceptId?: number): boolean {
    const where = exceptId === undefined ? sameEndpoint(p) : and(sameEndpoint(p), ne(proxies.id, exceptId));
    return tx.select({ id: proxies.id }).from(proxies).where(where).get() !== undefined;
  }

  function insert(tx: Db, p: NewProxy): number {
    return tx
      .insert(proxies)
      .values({
        host: p.host,
        port: p.port,
        protocol: p.protocol,
        username: p.username ?? null,
        password: p.password ?? null,
        provider: p.provider ?? null,
        country: p.country ?? null,
        expiresAt: p.expiresAt ?? null,
        maxAccounts: p.maxAccounts ?? 1,
      })
      .returning({ id: proxies.id })
      .get().id;
  }

  function usersOf(tx: Db, proxyId: number): ProxyUser[] {
    return tx
      // The account's own branch: an account no seat holds yet still belongs to a branch, whose
      // manager must hear that its proxy went down. The seat's branch covers rows from before
      // accounts had one.
      .select({ accountId: accounts.id, branchId: sql<number | null>`coalesce(${accounts.branchId}, ${users.branchId})` })
      .from(accounts)
      .leftJoin(users, eq(users.id, accounts.seatId))
      .where(eq(accounts.proxyId, proxyId))
      .orderBy(asc(accounts.id))
      .all();
  }

  return {
    list(filter: ProxyFilter, page: { offset: number; limit: number }): { rows: ProxyWithCount[]; total: number } {
      const conditions: SQL[] = [];
      if (filter.status) conditions.push(eq(proxies.status, filter.status));
      if (filter.provider) conditions.push(eq(proxies.provider, filter.provider));
      if (filter.keyword) {
        const pattern = `%${filter.keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(or(sql`${proxies.host} LIKE ${pattern} ESCAPE '\\'`, sql`${proxies.country} LIKE ${pattern} ESCAPE '\\'`, like(proxies.username, pattern))!);
      }
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const rows = db.select({ proxy: proxies, accounts: accountCount }).from(proxies).where(where).orderBy(desc(proxies.id)).limit(page.limit).offset(page.offset).all();
      const total = db.select({ n: count() }).from(proxies).where(where).get()?.n ?? 0;
      return { rows: rows.map((r) => ({ ...r.proxy, accounts: r.accounts })), total };
    },

    get(id: number): ProxyWithCount | undefined {
      const row = db.select({ proxy: proxies, accounts: accountCount }).from(proxies).where(eq(proxies.id, id)).get();
      return row && { ...row.proxy, accounts: row.accounts };
    },

    /** One proxy; 409 when the same host, port and username are already in the pool. */
    create(p: NewProxy, within?: InTransaction<number>): number {
      return writeTransaction(db, (tx) => {
        if (exists(tx, p)) throw conflict(`proxy ${p.host}:${p.port} is already in the pool`);
        const id = insert(tx, p);
        within?.(tx, id);
        return id;
      });
    },

    /** Many proxies in one transaction; those already in the pool (or repeated) are returned as duplicates. */
    createMany(list: NewProxy[], within?: InTransaction<{ created: number[]; duplicates: number[] }>): { created: number[]; duplicates: number[] } {
      return writeTransaction(db, (tx) => {
        const created: number[] = [];
        const duplicates: number[] = [];
        list.forEach((p, i) => {
          if (exists(tx, p)) duplicates.push(i);
          else created.push(insert(tx, p));
        });
        within?.(tx, { created, duplicates });
        return { created, duplicates };
      });
    },

    /** Changes fields; a new endpoint or credentials make the last check meaningless (unknown). */
    update(id: number, patch: Partial<NewProxy>, now: number, within?: InTransaction<number>): void {
      writeTransaction(db, (tx) => {
        const current = tx.select().from(proxies).where(eq(proxies.id, id)).get();
        if (!current) throw notFound('proxyId');
        const next = { ...current, ...patch };
        if (exists(tx, { host: next.host, port: next.port, username: next.username }, id)) throw conflict(`proxy ${next.host}:${next.port} is already in the pool`);
        if (patch.maxAccounts !== undefined) {
          const used = usersOf(tx, id).length;
          if (patch.maxAccounts < used) throw conflict(`maxAccounts: ${used} accounts use this proxy`);
        }
        const endpointChanged = ['host', 'port', 'protocol', 'username', 'password'].some((k) => k in patch && (patch as Record<string, unknown>)[k] !== (current as Record<string, unknown>)[k]);
        const expired = next.expiresAt !== null && next.expiresAt !== undefined && next.expiresAt <= now;
        const reset = endpointChanged ? { status: 'unknown' as const, statusReason: null, latencyMs: null, checkedAt: null } : {};
        const expiry = !expired && current.status === 'expired' && 'expiresAt' in patch ? { status: 'unknown' as const, statusReason: null } : {};
        const values = Object.fromEntries(Object.entries({ ...patch, ...reset, ...expiry }).filter(([, v]) => v !== undefined));
        if (Object.keys(values).length > 0) tx.update(proxies).set(values).where(eq(proxies.id, id)).run();
        within?.(tx, id);
      });
    },

    remove(id: number, within?: InTransaction<number>): void {
      writeTransaction(db, (tx) => {
        if (!tx.select({ id: proxies.id }).from(proxies).where(eq(proxies.id, id)).get()) throw notFound('proxyId');
        const used = usersOf(tx, id).length;
        if (used > 0) throw conflict(`proxy in use by ${used} account(s); move them first`);
        tx.delete(proxies).where(eq(proxies.id, id)).run();
        within?.(tx, id);
      });
    },

    /** Stores a check; answers the accounts to tell when the proxy turned down (or stayed up: none). */
    recordCheck(id: number, status: 'ok' | 'down', detail: { latencyMs?: number; reason?: string }, now: number): { turnedDown: boolean; users: ProxyUser[] } | undefined {
      return writeTransaction(db, (tx) => {
        const current = tx.select({ status: proxies.status }).from(proxies).where(eq(proxies.id, id)).get();
        if (!current) return undefined;
        tx.update(proxies)
          .set({ status, latencyMs: detail.latencyMs ?? null, statusReason: detail.reason ?? null, checkedAt: now })
          .where(eq(proxies.id, id))
          .run();
        const turnedDown = status === 'down' && current.status !== 'down';
        return { turnedDown, users: turnedDown ? usersOf(tx, id) : [] };
      });
    },

    /** Marks every proxy past its expiresAt as expired; answers those that just turned, with their accounts. */
    expire(now: number): { proxyId: number; users: ProxyUser[] }[] {
      return writeTransaction(db, (tx) => {
        const due = tx
          .select({ id: proxies.id })
          .from(proxies)
          .where(and(lte(proxies.expiresAt, now), ne(proxies.status, 'expired')))
          .all();
        return due.map(({ id }) => {
          tx.update(proxies).set({ status: 'expired', statusReason: 'past expiresAt', checkedAt: now }).where(eq(proxies.id, id)).run();
          return { proxyId: id, users: usersOf(tx, id) };
        });
      });
    },

    /** Proxies the background checker should dial: every one not expired. */
    checkable(): ProxyRow[] {
      return db.select().from(proxies).where(ne(proxies.status, 'expired')).orderBy(asc(proxies.id)).all();
    },

    /**
     * Puts `accountId` on `proxyId` (null clears it), refusing a proxy that is full, expired or
     * unknown. Other features (account administration) assign through here.
     */
    assign(accountId: number, proxyId: number | null, within?: InTransaction<number | null>): void {
      writeTransaction(db, (tx) => {
        const account = tx.select({ id: accounts.id, proxyId: accounts.proxyId }).from(accounts).where(eq(accounts.id, accountId)).get();
        if (!account) throw notFound('accountId');
        if (proxyId !== null && proxyId !== account.proxyId) {
          const proxy = tx.select({ maxAccounts: proxies.maxAccounts, status: proxies.status }).from(proxies).where(eq(proxies.id, proxyId)).get();
          if (!proxy) throw notFound('proxyId');
          if (proxy.status === 'expired') throw conflict('proxyId: the proxy has expired');
          if (usersOf(tx, proxyId).length >= proxy.maxAccounts) throw conflict(`proxyId: the proxy already serves maxAccounts (${proxy.maxAccounts}) accounts`);
        }
        tx.update(accounts).set({ proxyId }).where(eq(accounts.id, accountId)).run();
        within?.(tx, proxyId);
      });
    },

    /**
     * The best free proxy for an account, taken in the same transaction: checked ok, not
     * expired, below maxAccounts, in `country` when asked; fastest first, then least used.
     */
    assignBestFree(accountId: number, options: { country?: string; now: number }, within?: InTransaction<number>): number | undefined {
      return writeTransaction(db, (tx) => {
        const account = tx.select({ proxyId: accounts.proxyId }).from(accounts).where(eq(accounts.id, accountId)).get();
        if (!account) throw notFound('accountId');
        const conditions = [
          eq(proxies.status, 'ok'),
          or(isNull(proxies.expiresAt), sql`${proxies.expiresAt} > ${options.now}`)!,
          sql`${accountCount} < ${proxies.maxAccounts}`,
        ];
        if (account.proxyId !== null) conditions.push(ne(proxies.id, account.proxyId));
        if (options.country) conditions.push(eq(proxies.country, options.country));
        const best = tx
          .select({ id: proxies.id })
          .from(proxies)
          .where(and(...conditions))
          .orderBy(sql`${proxies.latencyMs} IS NULL`, asc(proxies.latencyMs), asc(accountCount), asc(proxies.id))
          .limit(1)
          .get();
        if (!best) return undefined;
        tx.update(accounts).set({ proxyId: best.id }).where(eq(accounts.id, accountId)).run();
        within?.(tx, best.id);
        return best.id;
      });
    },

    /** A cursor for a pushed hint about proxies (no seat's stream). */
    hintCursor(now: number): number {
      return writeTransaction(db, (tx) => appendActivitySync(tx, { seatId: null, kind: 'proxy', at: now }).cursor);
    },

    accountIdOfPhone(phone: string): { id: number; proxyId: number | null } | undefined {
      return db.select({ id: accounts.id, proxyId: accounts.proxyId }).from(accounts).where(eq(accounts.phone, phone)).get();
    },
  };
}

export type ProxiesRepository = ReturnType<typeof createProxiesRepository>;
