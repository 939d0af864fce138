import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccess } from '../../src/access/access.js';
import { createAuthRepository, type AuthUser } from '../../src/auth/auth.repository.js';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('access rules', async () => {
  let t: TestHub;
  let access: ReturnType<typeof createAccess>;
  const who: Record<string, AuthUser> = {};
  let seat1Target: number;
  let seat1Account: number;
  let otherBranchSeat: number;

  beforeAll(async () => {
    t = await startHub();
    const { db, tables: { accounts, branches, conversations, users } } = t.hub.store;
    access = createAccess(t.hub.store);
    const auth = createAuthRepository(t.hub.store);
    for (const name of ['master', 'admin', 'branch1', 'super1', 'seat1', 'seat2']) {
      who[name] = (await auth.resolveToken(await t.login(name), Date.now()))!;
    }
    const [otherBranch] = await db.insert(branches).values({ name: 'other' }).returning();
    otherBranchSeat = (await db.insert(users).values({ username: 'far', name: 'far', passwordHash: 'x', role: 'seat', branchId: otherBranch!.id }).returning())[0]!.id;
    const [conversation] = await db.select().from(conversations).where(eq(conversations.seatId, who.seat1!.id)).orderBy(conversations.id).limit(1);
    seat1Target = conversation!.targetId;
    seat1Account = (await db.select().from(accounts).where(eq(accounts.seatId, who.seat1!.id)).orderBy(accounts.id).limit(1))[0]!.id;
  });
  afterAll(() => t.close());

  it('lets a seat act for itself only', async () => {
    expect((await access.seatFor(who.seat1!, who.seat1!.id)).id).toBe(who.seat1!.id);
    await expect(access.seatFor(who.seat1!, who.seat2!.id)).rejects.toThrow(/custServId: not your seat/);
    await expect(access.targetFor(who.seat2!, seat1Target)).rejects.toThrow(/receId: not a target you may see/);
    await expect(access.accountFor(who.seat2!, seat1Account)).rejects.toThrow(/accountId: not an account you may see/);
    expect((await access.targetFor(who.seat1!, seat1Target)).conversation.seatId).toBe(who.seat1!.id);
  });

  it('lets supervisors and branch managers see their own branch only', async () => {
    for (const manager of [who.super1!, who.branch1!]) {
      expect((await access.seatFor(manager, who.seat2!.id)).id).toBe(who.seat2!.id);
      expect((await access.targetFor(manager, seat1Target)).target.id).toBe(seat1Target);
      await expect(access.seatFor(manager, otherBranchSeat)).rejects.toThrow(/not a seat you may see/);
    }
  });

  it('lets masters and admins see everything', async () => {
    for (const top of [who.master!, who.admin!]) {
      expect((await access.seatFor(top, otherBranchSeat)).id).toBe(otherBranchSeat);
      expect((await access.accountFor(top, seat1Account)).id).toBe(seat1Account);
    }
  });

  it('answers 404 for ids that do not exist, 403 before existence for other seats', async () => {
    await expect(access.seatFor(who.master!, 999_999)).rejects.toThrow(/seat not found/);
    await expect(access.targetFor(who.seat1!, 999_999)).rejects.toThrow(/receId not found/);
    // A seat asking for any other seat id learns nothing about whether it exists.
    await expect(access.seatFor(who.seat1!, 999_999)).rejects.toThrow(/not your seat/);
    // A non-seat user id is not a seat.
    await expect(access.seatFor(who.master!, who.super1!.id)).rejects.toThrow(/seat not found/);
  });
});
