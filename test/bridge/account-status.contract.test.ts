// The bridge's view of accounts on both engines: reported statuses stored with their cursor and
// seat stream number (deduped by webhook id, unchanged ones not re-pushed, unknown or disabled
// accounts refused), and the lookups the callbacks and drivers make.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createAccountEvents } from '../../src/bridge/account-events.js';
import { createBridgeRepository } from '../../src/bridge/bridge.repository.js';
import type { Store } from '../../src/db/store.js';
import { HubError } from '../../src/http/errors.js';
import type { HubServer } from '../../src/realtime/hub-server.js';
import { engineStores, ENGINES, seed } from './contract-stores.js';

interface Emitted {
  to: string[];
  event: string;
  payload: Record<string, unknown>;
}

function fakeIo(emitted: Emitted[]): HubServer {
  return { to: (to: string | string[]) => ({ emit: (event: string, payload: Record<string, unknown>) => emitted.push({ to: [to].flat(), event, payload }) }) } as unknown as HubServer;
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => (e instanceof HubError ? { code: e.code, error: e.error } : e));

describe.each(ENGINES)('account status and bridge lookups on %s', (engine) => {
  const stores = engineStores(engine, 'bridge');

  async function setUp() {
    const store = await stores.fresh();
    const seeded = await seed(store);
    return { store, seeded, repository: createBridgeRepository(store) };
  }
  const statusOf = async (store: Store, phone: string) => {
    const { accounts } = store.tables;
    const [row] = await store.db.select({ status: accounts.status, reason: accounts.statusReason, at: accounts.statusAt }).from(accounts).where(eq(accounts.phone, phone));
    return row;
  };

  it('stores a changed status with a cursor and the seat stream number; the same status again changes nothing', async () => {
    const { store, seeded, repository } = await setUp();
    const first = await repository.applyPhoneStatus({ phone: seeded.phone, status: 'online' }, { now: 1000 });
    expect(first).toMatchObject({ duplicate: false, accountId: seeded.accountId, status: 'online', change: { seatId: seeded.seatId, branchId: seeded.branchId, reason: null, seq: 1 } });
    const second = await repository.applyPhoneStatus({ phone: seeded.phone, status: 'banned', reason: 'spam' }, { now: 2000 });
    expect(second).toMatchObject({ duplicate: false, change: { status: 'banned', reason: 'spam', seq: 2 } });
    expect(!second.duplicate && !first.duplicate && second.change!.cursor > first.change!.cursor).toBe(true);
    expect(await statusOf(store, seeded.phone)).toEqual({ status: 'banned', reason: 'spam', at: 2000 });
    expect(await repository.applyPhoneStatus({ phone: seeded.phone, status: 'banned', reason: 'spam' }, { now: 3000 })).toEqual({ duplicate: false, accountId: seeded.accountId, status: 'banned', change: null });
  });

  it('gives an account without a seat a cursor but no stream number', async () => {
    const { store, repository } = await setUp();
    await store.db.insert(store.tables.accounts).values({ phone: '+8613800000009' });
    const result = await repository.applyPhoneStatus({ phone: '+8613800000009', status: 'online' }, { now: 1000 });
    expect(result).toMatchObject({ duplicate: false, change: { seatId: null, branchId: null, seq: null } });
  });

  it('answers a replayed webhook id as a duplicate and stores nothing from it', async () => {
    const { store, seeded, repository } = await setUp();
    await repository.applyPhoneStatus({ phone: seeded.phone, status: 'online' }, { now: 1000, webhookId: 'msg_s1' });
    const replay = await repository.applyPhoneStatus({ phone: seeded.phone, status: 'offline' }, { now: 2000, webhookId: 'msg_s1' });
    expect(replay).toEqual({ duplicate: true, accountId: seeded.accountId, status: 'online' });
    expect((await statusOf(store, seeded.phone))!.status).toBe('online');
  });

  it('reports one change when the same report arrives twice at once', async () => {
    const { seeded, repository } = await setUp();
    const other = engine === 'pg' ? createBridgeRepository(await stores.again()) : repository;
    const results = await Promise.all([
      repository.applyPhoneStatus({ phone: seeded.phone, status: 'online' }, { now: 1000 }),
      other.applyPhoneStatus({ phone: seeded.phone, status: 'online' }, { now: 1000 }),
    ]);
    expect(results.filter((r) => !r.duplicate && r.change !== null)).toHaveLength(1);
  });

  it('refuses an unknown phone (404) and a disabled account (409), storing nothing', async () => {
    const { store, seeded, repository } = await setUp();
    expect(await failure(repository.applyPhoneStatus({ phone: '+19990000000', status: 'online' }, { now: 1 }))).toEqual({ code: 404, error: 'not_found' });
    await store.db.update(store.tables.accounts).set({ disabled: true }).where(eq(store.tables.accounts.id, seeded.accountId));
    expect(await failure(repository.applyPhoneStatus({ phone: seeded.phone, status: 'online' }, { now: 1, webhookId: 'msg_d' }))).toEqual({ code: 409, error: 'bridge_account_disabled' });
    expect((await statusOf(store, seeded.phone))!.status).toBe('offline');
    expect(await store.db.select().from(store.tables.webhookDeliveries)).toEqual([]);
  });

  it('pushes a change to the seat and its branch after it committed, and a QR with the latest cursor', async () => {
    const { seeded, repository } = await setUp();
    const emitted: Emitted[] = [];
    const changed: Array<[number | null, number]> = [];
    const events = createAccountEvents({ repository, io: fakeIo(emitted), clock: { now: () => 5000 }, onStatusChanged: (b, c) => changed.push([b, c]) });
    const result = await events.applyStatus({ phone: seeded.phone, status: 'loginRequired', reason: 'scan' });
    const cursor = !result.duplicate ? result.change!.cursor : -1;
    expect(emitted).toEqual([
      {
        to: [`seat:${seeded.seatId}`, `branch:${seeded.branchId}`],
        event: 'account:status',
        payload: { accountId: String(seeded.accountId), phone: seeded.phone, status: 'loginRequired', reason: 'scan', cursor, custServId: String(seeded.seatId), seq: 1 },
      },
    ]);
    expect(changed).toEqual([[seeded.branchId, cursor]]);
    await events.applyStatus({ phone: seeded.phone, status: 'loginRequired', reason: 'scan' });
    expect(emitted).toHaveLength(1);
    await events.pushQr({ id: seeded.accountId, seatId: seeded.seatId, branchId: seeded.branchId }, { qr: 'data:image/png;base64,AA', expiresAt: 9000 });
    expect(emitted[1]).toMatchObject({ event: 'account:qr', payload: { accountId: String(seeded.accountId), cursor } });
  });

  it('answers the proxy of a phone, 404 for an unknown phone or an account without one', async () => {
    const { store, seeded, repository } = await setUp();
    expect(await repository.proxyForPhone(seeded.phone)).toEqual({ host: '10.0.0.1', port: 1080, protocol: 'socks5', username: 'u', password: 'p' });
    expect(await failure(repository.proxyForPhone('+19990000000'))).toEqual({ code: 404, error: 'not_found' });
    await store.db.insert(store.tables.accounts).values({ phone: '+8613800000002', seatId: seeded.seatId });
    expect(await failure(repository.proxyForPhone('+8613800000002'))).toEqual({ code: 404, error: 'not_found' });
  });

  it('lists the enabled seated accounts for the bridge, in id order, with their proxies', async () => {
    const { store, seeded, repository } = await setUp();
    const { accounts } = store.tables;
    await store.db.insert(accounts).values([
      { phone: '+8613800000003', seatId: seeded.otherSeatId },
      { phone: '+8613800000004' },
      { phone: '+8613800000005', seatId: seeded.seatId, disabled: true },
    ]);
    const listed = await repository.bridgeAccounts();
    expect(listed.map((a) => a.phone)).toEqual([seeded.phone, '+8613800000003']);
    expect(listed[0]).toMatchObject({ id: seeded.accountId, platform: 'whatsapp', status: 'offline', proxy: { host: '10.0.0.1', port: 1080 } });
    expect(listed[1]!.proxy).toBeNull();
  });

  it('names sessions: an own session first, else the phone digits; and finds the account a session names', async () => {
    const { store, seeded, repository } = await setUp();
    const { accounts } = store.tables;
    await store.db.insert(accounts).values({ phone: '+8613800000006', seatId: seeded.otherSeatId, bridgeSession: 'shop-main' });
    expect(await repository.sessionOfPhone(seeded.phone)).toBe('8613800000001');
    expect(await repository.sessionOfPhone('+8613800000006')).toBe('shop-main');
    expect(await repository.sessionOfPhone('+19990000000')).toBeUndefined();
    expect(await repository.accountOfSession('shop-main')).toMatchObject({ phone: '+8613800000006', seatId: seeded.otherSeatId, branchId: seeded.branchId });
    expect(await repository.accountOfSession('8613800000001')).toEqual({ id: seeded.accountId, phone: seeded.phone, seatId: seeded.seatId, branchId: seeded.branchId });
    // An account with a session of its own is not found by its digits; nor is a name that is not digits.
    expect(await repository.accountOfSession('8613800000006')).toBeUndefined();
    expect(await repository.accountOfSession('no-such')).toBeUndefined();
  });

  it('answers the rooms of an account, undefined for an unknown one', async () => {
    const { seeded, repository } = await setUp();
    expect(await repository.accountRooms(seeded.accountId)).toEqual({ id: seeded.accountId, seatId: seeded.seatId, branchId: seeded.branchId });
    expect(await repository.accountRooms(999_999)).toBeUndefined();
  });

  it('answers the latest cursor as a number, 0 before any event', async () => {
    const { seeded, repository } = await setUp();
    expect(await repository.latestCursor()).toBe(0);
    const result = await repository.applyPhoneStatus({ phone: seeded.phone, status: 'online' }, { now: 1 });
    expect(await repository.latestCursor()).toBe(!result.duplicate ? result.change!.cursor : -1);
  });
});
