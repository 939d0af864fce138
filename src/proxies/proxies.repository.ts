// The proxy pool's queries. Writes that count accounts against maxAccounts, and those that
// check the pool for a duplicate before inserting, run SERIALIZABLE: two assignments can never
// overfill a proxy, two imports never add one endpoint twice (PostgreSQL runs the loser again;
// SQLite has one writer anyway).
import { and, asc, count, desc, eq, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { ProxyStatus, proxies as proxiesTable } from '../db/schema.js';
import type { Db, Store } from '../db/store.js';
import { containsText } from '../admin/keyword.js';
import { conflict, notFound } from '../http/errors.js';

/** Runs inside a write's transaction, after the change (an audit row commits with it). */
export type InTransaction<T> = (tx: Db, result: T) => Promise<void>;

export type ProxyRow = typeof proxiesTable.$inferSelect;
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

export function createProxiesRepository(store: Store) {
  const { accounts, activity, proxies, users } = store.tables;
  const db = store.db;
  const first = async <T>(rows: Promise<T[]>): Promise<T | undefined> => (await rows)[0];

  // Spelled out: drizzle renders a lone column unqualified, which inside the subquery would mean
  // accounts.id. count(*) is a bigint on PostgreSQL, hence mapWith(Number).
  const accountCount = sql<number>`(SELECT count(*) FROM accounts a WHERE a.proxy_id = "proxies"."id")`.mapWith(Number);

  const sameEndpoint = (p: Pick<NewProxy, 'host' | 'port' | 'username'>) =>
    and(eq(proxies.host, p.host), eq(proxies.port, p.port), p.username ? eq(proxies.username, p.username) : isNull(proxies.username));

  async function exists(tx: Db, p: Pick<NewProxy, 'host' | 'port' | 'username'>, exceptId?: number): Promise<boolean> {
    const where = exceptId === undefined ? sameEndpoint(p) : and(sameEndpoint(p), ne(proxies.id, exceptId));
    return (await first(tx.select({ id: proxies.id }).from(proxies).where(where).limit(1))) !== undefined;
  }

  async function insert(tx: Db, p: NewProxy): Promise<number> {
    const [row] = await tx
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
      .returning({ id: proxies.id });
    return row!.id;
  }

  function usersOf(tx: Db, proxyId: number): Promise<ProxyUser[]> {
    return (
      tx
        // The account's own branch: an account no seat holds yet still belongs to a branch, whose
        // manager must hear that its proxy went down. The seat's branch covers rows from before
        // accounts had one.
        // mapWith: an expression's bigint reaches us as a string from PostgreSQL's driver.
        .select({ accountId: accounts.id, branchId: sql<number | null>`coalesce(${accounts.branchId}, ${users.branchId})`.mapWith(Number) })
        .from(accounts)
        .leftJoin(users, eq(users.id, accounts.seatId))
        .where(eq(accounts.proxyId, proxyId))
        .orderBy(asc(accounts.id))
    );
  }

  /** Puts the account on the proxy after checking it has room; the caller's transaction is serializable. */
  async function assignIn(tx: Db, accountId: number, proxyId: number | null): Promise<void> {
    const account = await first(tx.select({ id: accounts.id, proxyId: accounts.proxyId }).from(accounts).where(eq(accounts.id, accountId)));
    if (!account) throw notFound('accountId');
    if (proxyId !== null && proxyId !== account.proxyId) {
      const proxy = await first(tx.select({ maxAccounts: proxies.maxAccounts, status: proxies.status }).from(proxies).where(eq(proxies.id, proxyId)));
      if (!proxy) throw notFound('proxyId');
      if (proxy.status === 'expired') throw conflict('proxyId: the proxy has expired');
      if ((await usersOf(tx, proxyId)).length >= proxy.maxAccounts) throw conflict(`proxyId: the proxy already serves maxAccounts (${proxy.maxAccounts}) accounts`);
    }
    await tx.update(accounts).set({ proxyId }).where(eq(accounts.id, accountId));
  }

  return {
    async list(filter: ProxyFilter, page: { offset: number; limit: number }): Promise<{ rows: ProxyWithCount[]; total: number }> {
      const conditions: SQL[] = [];
      if (filter.status) conditions.push(eq(proxies.status, filter.status));
      if (filter.provider) conditions.push(eq(proxies.provider, filter.provider));
      if (filter.keyword) {
        conditions.push(or(containsText(proxies.host, filter.keyword), containsText(proxies.country, filter.keyword), containsText(proxies.username, filter.keyword))!);
      }
      const where = conditions.length > 0 ? and(...conditions) : undefined;
      const rows = await db.select({ proxy: proxies, accounts: accountCount }).from(proxies).where(where).orderBy(desc(proxies.id)).limit(page.limit).offset(page.offset);
      const [counted] = await db.select({ n: count() }).from(proxies).where(where);
      return { rows: rows.map((r) => ({ ...r.proxy, accounts: r.accounts })), total: counted?.n ?? 0 };
    },

    async get(id: number): Promise<ProxyWithCount | undefined> {
      const row = await first(db.select({ proxy: proxies, accounts: accountCount }).from(proxies).where(eq(proxies.id, id)));
      return row && { ...row.proxy, accounts: row.accounts };
    },

    /** One proxy; 409 when the same host, port and username are already in the pool. */
    create(p: NewProxy, within?: InTransaction<number>): Promise<number> {
      return store.transaction(async (tx) => {
        if (await exists(tx, p)) throw conflict(`proxy ${p.host}:${p.port} is already in the pool`);
        const id = await insert(tx, p);
        await within?.(tx, id);
        return id;
      }, { serializable: true });
    },

    /** Many proxies in one transaction; those already in the pool (or repeated) are returned as duplicates. */
    createMany(list: NewProxy[], within?: InTransaction<{ created: number[]; duplicates: number[] }>): Promise<{ created: number[]; duplicates: number[] }> {
      return store.transaction(async (tx) => {
        const created: number[] = [];
        const duplicates: number[] = [];
        for (const [i, p] of list.entries()) {
          if (await exists(tx, p)) duplicates.push(i);
          else created.push(await insert(tx, p));
        }
        await within?.(tx, { created, duplicates });
        return { created, duplicates };
      }, { serializable: true });
    },

    /** Changes fields; a new endpoint or credentials make the last check meaningless (unknown). */
    async update(id: number, patch: Partial<NewProxy>, now: number, within?: InTransaction<number>): Promise<void> {
      await store.transaction(async (tx) => {
        const current = await first(tx.select().from(proxies).where(eq(proxies.id, id)));
        if (!current) throw notFound('proxyId');
        const next = { ...current, ...patch };
        if (await exists(tx, { host: next.host, port: next.port, username: next.username }, id)) throw conflict(`proxy ${next.host}:${next.port} is already in the pool`);
        if (patch.maxAccounts !== undefined) {
          const used = (await usersOf(tx, id)).length;
          if (patch.maxAccounts < used) throw conflict(`maxAccounts: ${used} accounts use this proxy`);
        }
        const endpointChanged = ['host', 'port', 'protocol', 'username', 'password'].some((k) => k in patch && (patch as Record<string, unknown>)[k] !== (current as Record<string, unknown>)[k]);
        const expired = next.expiresAt !== null && next.expiresAt !== undefined && next.expiresAt <= now;
        const reset = endpointChanged ? { status: 'unknown' as const, statusReason: null, latencyMs: null, checkedAt: null } : {};
        const expiry = !expired && current.status === 'expired' && 'expiresAt' in patch ? { status: 'unknown' as const, statusReason: null } : {};
        const values = Object.fromEntries(Object.entries({ ...patch, ...reset, ...expiry }).filter(([, v]) => v !== undefined));
        if (Object.keys(values).length > 0) await tx.update(proxies).set(values).where(eq(proxies.id, id));
        await within?.(tx, id);
      }, { serializable: true });
    },

    async remove(id: number, within?: InTransaction<number>): Promise<void> {
      // Serializable: "no account uses it" must hold until the delete, whatever assignment runs meanwhile.
      await store.transaction(async (tx) => {
        if (!(await first(tx.select({ id: proxies.id }).from(proxies).where(eq(proxies.id, id))))) throw notFound('proxyId');
        const used = (await usersOf(tx, id)).length;
        if (used > 0) throw conflict(`proxy in use by ${used} account(s); move them first`);
        await tx.delete(proxies).where(eq(proxies.id, id));
        await within?.(tx, id);
      }, { serializable: true });
    },

    /** Stores a check; answers the accounts to tell when the proxy turned down (or stayed up: none). */
    recordCheck(id: number, status: 'ok' | 'down', detail: { latencyMs?: number; reason?: string }, now: number): Promise<{ turnedDown: boolean; users: ProxyUser[] } | undefined> {
      return store.transaction(async (tx) => {
        const current = await first(tx.select({ status: proxies.status }).from(proxies).where(eq(proxies.id, id)));
        if (!current) return undefined;
        await tx
          .update(proxies)
          .set({ status, latencyMs: detail.latencyMs ?? null, statusReason: detail.reason ?? null, checkedAt: now })
          .where(eq(proxies.id, id));
        const turnedDown = status === 'down' && current.status !== 'down';
        return { turnedDown, users: turnedDown ? await usersOf(tx, id) : [] };
      });
    },

    /** Marks every proxy past its expiresAt as expired; answers those that just turned, with their accounts. */
    expire(now: number): Promise<{ proxyId: number; users: ProxyUser[] }[]> {
      return store.transaction(async (tx) => {
        // RETURNING names exactly the rows this statement turned, so two instances expiring at
        // once announce each proxy once.
        const due = await tx
          .update(proxies)
          .set({ status: 'expired', statusReason: 'past expiresAt', checkedAt: now })
          .where(and(lte(proxies.expiresAt, now), ne(proxies.status, 'expired')))
          .returning({ id: proxies.id });
        const turned: { proxyId: number; users: ProxyUser[] }[] = [];
        for (const { id } of due.sort((a, b) => a.id - b.id)) turned.push({ proxyId: id, users: await usersOf(tx, id) });
        return turned;
      });
    },

    /** Proxies the background checker should dial: every one not expired. */
    checkable(): Promise<ProxyRow[]> {
      return db.select().from(proxies).where(ne(proxies.status, 'expired')).orderBy(asc(proxies.id));
    },

    /**
     * Puts `accountId` on `proxyId` (null clears it), refusing a proxy that is full, expired or
     * unknown. Other features (account administration) assign through here.
     */
    async assign(accountId: number, proxyId: number | null, within?: InTransaction<number | null>): Promise<void> {
      await store.transaction(async (tx) => {
        await assignIn(tx, accountId, proxyId);
        await within?.(tx, proxyId);
      }, { serializable: true });
    },

    /**
     * The best free proxy for an account, taken in the same transaction: checked ok, not
     * expired, below maxAccounts, in `country` when asked; fastest first, then least used.
     * Serializable, so two accounts asking at once never both get the last free place.
     */
    assignBestFree(accountId: number, options: { country?: string; now: number }, within?: InTransaction<number>): Promise<number | undefined> {
      return store.transaction(async (tx) => {
        const account = await first(tx.select({ proxyId: accounts.proxyId }).from(accounts).where(eq(accounts.id, accountId)));
        if (!account) throw notFound('accountId');
        const conditions = [
          eq(proxies.status, 'ok'),
          or(isNull(proxies.expiresAt), sql`${proxies.expiresAt} > ${options.now}`)!,
          sql`${accountCount} < ${proxies.maxAccounts}`,
        ];
        if (account.proxyId !== null) conditions.push(ne(proxies.id, account.proxyId));
        if (options.country) conditions.push(eq(proxies.country, options.country));
        const best = await first(
          tx
            .select({ id: proxies.id })
            .from(proxies)
            .where(and(...conditions))
            .orderBy(sql`${proxies.latencyMs} IS NULL`, asc(proxies.latencyMs), asc(accountCount), asc(proxies.id))
            .limit(1),
        );
        if (!best) return undefined;
        await tx.update(accounts).set({ proxyId: best.id }).where(eq(accounts.id, accountId));
        await within?.(tx, best.id);
        return best.id;
      }, { serializable: true });
    },

    /** A cursor for a pushed hint about proxies (an activity row in no seat's stream). */
    async hintCursor(now: number): Promise<number> {
      const [row] = await db.insert(activity).values({ seatId: null, targetId: null, kind: 'proxy', messageId: null, seq: null, createdAt: now }).returning({ cursor: activity.cursor });
      return row!.cursor;
    },

    accountIdOfPhone(phone: string): Promise<{ id: number; proxyId: number | null } | undefined> {
      return first(db.select({ id: accounts.id, proxyId: accounts.proxyId }).from(accounts).where(eq(accounts.phone, phone)));
    },
  };
}

export type ProxiesRepository = ReturnType<typeof createProxiesRepository>;
