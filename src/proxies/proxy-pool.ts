// The proxy pool's behaviour beyond plain rows: checks (on demand and for the whole pool),
// fetching from the provider, and picking a proxy for an account.
import { conflict, notFound, unavailable } from '../http/errors.js';
import type { ProxyStatusPayload } from '../realtime/events.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import type { ProxyProvider } from './ip2world.js';
import type { InTransaction, ProxiesRepository, ProxyUser } from './proxies.repository.js';
import { checkProxy, type CheckTarget } from './proxy-check.js';

export interface ProxyPoolDeps {
  proxies: ProxiesRepository;
  io: HubServer;
  clock: Clock;
  /** Unset: checks answer 503, nothing is dialled. */
  checkTarget: CheckTarget | undefined;
  checkTimeoutMs: number;
  provider: ProxyProvider | undefined;
  /** How many checks the background pass runs at once. */
  concurrency?: number;
}

export interface CheckAnswer {
  status: 'ok' | 'down' | 'expired';
  latencyMs: number | null;
  checkedAt: number;
  reason?: string;
}

export function createProxyPool(deps: ProxyPoolDeps) {
  const { proxies, io, clock } = deps;

  /**
   * Tells each branch which of its accounts lost their proxy (only the branch's own account ids go
   * to its room), and admin and master, who watch the whole pool, of every proxy that turned.
   */
  async function announce(proxyId: number, status: 'down' | 'expired', users: ProxyUser[]): Promise<void> {
    const byBranch = new Map<number, string[]>();
    for (const u of users) {
      if (u.branchId === null) continue;
      byBranch.set(u.branchId, [...(byBranch.get(u.branchId) ?? []), String(u.accountId)]);
    }
    const cursor = await proxies.hintCursor(clock.now());
    for (const [branchId, accountIds] of byBranch) {
      const payload: ProxyStatusPayload = { proxyId: String(proxyId), status, accounts: accountIds, cursor };
      io.to(rooms.branch(branchId)).emit('proxy:status', payload);
    }
    io.to(rooms.org).emit('proxy:status', { proxyId: String(proxyId), status, accounts: users.map((u) => String(u.accountId)), cursor });
  }

  async function expireDue(): Promise<void> {
    for (const turned of await proxies.expire(clock.now())) await announce(turned.proxyId, 'expired', turned.users);
  }

  async function checkOne(id: number, target: CheckTarget): Promise<CheckAnswer | undefined> {
    const proxy = await proxies.get(id);
    if (!proxy) return undefined;
    const now = clock.now();
    if (proxy.expiresAt !== null && proxy.expiresAt <= now) {
      await expireDue();
      return { status: 'expired', latencyMs: null, checkedAt: now, reason: 'past expiresAt' };
    }
    const result = await checkProxy(proxy, target, deps.checkTimeoutMs);
    const checkedAt = clock.now();
    const detail = result.status === 'ok' ? { latencyMs: result.latencyMs } : { reason: result.reason };
    const recorded = await proxies.recordCheck(id, result.status, detail, checkedAt);
    if (recorded?.turnedDown) await announce(id, 'down', recorded.users);
    return result.status === 'ok'
      ? { status: 'ok', latencyMs: result.latencyMs, checkedAt }
      : { status: 'down', latencyMs: null, checkedAt, reason: result.reason };
  }

  async function fetchFromProvider(request: { count: number; country?: string; protocol: string }, within?: InTransaction<{ created: number[]; duplicates: number[] }>): Promise<number[]> {
    if (!deps.provider) throw conflict('no proxy provider is configured (PROXY_PROVIDER)');
    const fetched = await deps.provider.fetch(request);
    const { created } = await proxies.createMany(
      fetched.map((f) => ({ host: f.host, port: f.port, protocol: request.protocol, provider: deps.provider!.name, country: request.country ?? null })),
      within,
    );
    return created;
  }

  /**
   * Assigns the best free proxy to the account; when none is free and a provider is
   * configured, fetches one and assigns it. 409 when none can be had.
   */
  async function autoAssign(accountId: number, country?: string, within?: InTransaction<number>): Promise<number> {
    const picked = await proxies.assignBestFree(accountId, { country, now: clock.now() }, within);
    if (picked !== undefined) return picked;
    if (!deps.provider) throw conflict('no free proxy in the pool and no provider configured');
    const [created] = await fetchFromProvider({ count: 1, country, protocol: 'socks5' });
    if (created === undefined) throw conflict('the provider answered only proxies already in the pool');
    await proxies.assign(accountId, created, within ? (tx) => within(tx, created) : undefined);
    return created;
  }

  return {
    /** POST /xd/admin/proxies/:id/check. */
    async checkNow(id: number): Promise<CheckAnswer> {
      if (!deps.checkTarget) throw unavailable('proxy check', 'PROXY_CHECK_TARGET is not set');
      const answer = await checkOne(id, deps.checkTarget);
      if (!answer) throw notFound('proxyId');
      return answer;
    },

    /** One background pass: expire, then check every live proxy, a few at a time. */
    async checkAll(): Promise<void> {
      await expireDue();
      const target = deps.checkTarget;
      if (!target) return;
      const queue = (await proxies.checkable()).map((p) => p.id);
      const workers = Array.from({ length: Math.min(deps.concurrency ?? 8, queue.length) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await checkOne(id, target);
      });
      await Promise.all(workers);
    },

    fetchFromProvider,

    /**
     * For /xd/protocol/physicalIp: an account without a proxy gets one (as the auto route) before
     * the bridge is answered. When none can be had the caller answers 404; a provider outage
     * stays a 503 so the bridge retries.
     */
    async ensureProxy(phone: string): Promise<void> {
      const account = await proxies.accountIdOfPhone(phone);
      if (!account || account.proxyId !== null) return;
      try {
        await autoAssign(account.id);
      } catch (error) {
        if ((error as { kind?: string }).kind !== 'conflict') throw error;
      }
    },

    autoAssign,
  };
}

export type ProxyPool = ReturnType<typeof createProxyPool>;

/** Runs `checkAll` every `intervalS` seconds (0: never); a pass never overlaps the previous one. */
export function startProxyChecker(pool: Pick<ProxyPool, 'checkAll'>, options: { intervalS: number; onError: (error: unknown) => void }): () => void {
  if (options.intervalS <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pool
      .checkAll()
      .catch(options.onError)
      .finally(() => (running = false));
  }, options.intervalS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
