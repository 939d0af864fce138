// The access guards on both engines: who may act for a seat, see a target or an account, the
// one-lookup path for a seat's own target, and 404 before 403 only where existence is no secret.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, type Access } from '../../src/access/access.js';
import type { AuthUser } from '../../src/auth/auth.repository.js';
import type { Store } from '../../src/db/store.js';
import { createInboundStore } from '../../src/messages/inbound.repository.js';
import { ENGINES, engineStores, message, seedSeat, TZ, type SeatFixture } from '../messages/store-fixtures.js';

describe.each(ENGINES)('access on %s', (engine) => {
  const engines = engineStores(engine);
  let store: Store;
  let access: Access;
  let seat: SeatFixture;
  let neighbour: SeatFixture;
  let far: SeatFixture;
  let targetId: number;
  const user = (id: number, role: AuthUser['role'], branchId: number | null): AuthUser => ({ id, role, branchId, username: '', name: '', tokenId: 0 });
  let asSeat: AuthUser;
  let asNeighbour: AuthUser;
  let asSupervisor: AuthUser;
  let asFarManager: AuthUser;
  let asAdmin: AuthUser;

  beforeAll(async () => {
    await engines.start();
    ({ store } = await engines.fresh());
    access = createAccess(store);
    seat = await seedSeat(store, 'seat-1', '+700');
    neighbour = await seedSeat(store, 'seat-2', '+701', seat.branchId);
    far = await seedSeat(store, 'seat-far', '+702');
    const { users } = store.tables;
    const [sup] = await store.db.insert(users).values({ username: 'sup', name: 'sup', passwordHash: 'x', role: 'supervisor', branchId: seat.branchId }).returning({ id: users.id });
    asSeat = user(seat.seatId, 'seat', seat.branchId);
    asNeighbour = user(neighbour.seatId, 'seat', seat.branchId);
    asSupervisor = user(sup!.id, 'supervisor', seat.branchId);
    asFarManager = user(far.seatId + 1000, 'branch', far.branchId);
    asAdmin = user(0, 'admin', null);
    const input = message(seat.phone, 'guarded');
    const [outcome] = await createInboundStore(store).storeBatch([{ input, options: { tzName: TZ, now: input.sendTime } }]);
    if (!outcome || !('ok' in outcome) || outcome.ok.duplicate) throw new Error('not stored');
    targetId = outcome.ok.target.id;
  }, 60_000);
  afterAll(() => engines.stop());

  it('lets a seat act for itself and see its own target in one lookup', async () => {
    expect(await access.seatFor(asSeat, seat.seatId)).toEqual({ id: seat.seatId, name: 'seat-1', username: 'seat-1', branchId: seat.branchId });
    expect(await access.ownedTargetFor(asSeat, seat.seatId, targetId)).toEqual({ id: targetId, name: 'guarded', convType: 'stranger', readUpToMessageId: 0 });
    expect((await access.targetFor(asSeat, targetId)).conversation.seatId).toBe(seat.seatId);
    expect((await access.accountFor(asSeat, seat.accountId)).phone).toBe(seat.phone);
  });

  it('refuses another seat with 403, before saying whether anything exists', async () => {
    await expect(access.seatFor(asNeighbour, seat.seatId)).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/not your seat/) });
    await expect(access.seatFor(asNeighbour, 999_999)).rejects.toMatchObject({ code: 403 });
    await expect(access.targetFor(asNeighbour, targetId)).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/receId/) });
    await expect(access.accountFor(asNeighbour, seat.accountId)).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/accountId/) });
    await expect(access.ownedTargetFor(asNeighbour, seat.seatId, targetId)).rejects.toMatchObject({ code: 403 });
    await expect(access.ownedTargetFor(asNeighbour, neighbour.seatId, targetId)).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/receId/) });
  });

  it('lets a supervisor see its branch only, and a manager of another branch nothing of it', async () => {
    expect((await access.seatFor(asSupervisor, seat.seatId)).id).toBe(seat.seatId);
    expect(await access.ownedTargetFor(asSupervisor, seat.seatId, targetId)).toMatchObject({ id: targetId });
    // Watching through the wrong seat: the target is not that seat's.
    await expect(access.ownedTargetFor(asSupervisor, neighbour.seatId, targetId)).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/not a target of this custServId/) });
    await expect(access.seatFor(asSupervisor, far.seatId)).rejects.toMatchObject({ code: 403, message: expect.stringMatching(/not a seat you may see/) });
    await expect(access.targetFor(asFarManager, targetId)).rejects.toMatchObject({ code: 403 });
    await expect(access.accountFor(asFarManager, seat.accountId)).rejects.toMatchObject({ code: 403 });
  });

  it('lets an admin see everything, and answers 404 for what does not exist', async () => {
    expect((await access.seatFor(asAdmin, far.seatId)).id).toBe(far.seatId);
    expect((await access.accountFor(asAdmin, seat.accountId)).id).toBe(seat.accountId);
    await expect(access.seatFor(asAdmin, 999_999)).rejects.toMatchObject({ code: 404, message: expect.stringMatching(/seat/) });
    await expect(access.seatFor(asAdmin, asSupervisor.id)).rejects.toMatchObject({ code: 404 });
    await expect(access.targetFor(asAdmin, 999_999)).rejects.toMatchObject({ code: 404, message: expect.stringMatching(/receId/) });
    await expect(access.accountFor(asAdmin, 999_999)).rejects.toMatchObject({ code: 404, message: expect.stringMatching(/accountId/) });
  });

  it('refuses an unassigned account and an unowned target to everyone', async () => {
    const { accounts } = store.tables;
    await store.db.update(accounts).set({ seatId: null }).where(eq(accounts.id, far.accountId));
    await expect(access.accountFor(asAdmin, far.accountId)).rejects.toMatchObject({ code: 403 });
  });

  it('reads through the caller\'s transaction', async () => {
    await store.transaction(async (tx) => {
      expect((await access.targetFor(asSeat, targetId, tx)).target.id).toBe(targetId);
      expect((await access.seatFor(asSeat, seat.seatId, tx)).id).toBe(seat.seatId);
    });
  });
});
