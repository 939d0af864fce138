import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';

describe('seat tags', () => {
  let t: TestHub;
  let seat1: string;
  let seat2: string;
  let seat1Targets: number[];
  let seat2Targets: number[];

  const targetsOf = async (username: string) => {
    const { db, tables: { conversations, users } } = t.hub.store;
    const [user] = await db.select().from(users).where(eq(users.username, username));
    return (await db.select().from(conversations).where(eq(conversations.seatId, user!.id)).orderBy(conversations.targetId)).map((c) => c.targetId);
  };

  beforeAll(async () => {
    t = await startHub();
    seat1 = await t.login('seat1');
    seat2 = await t.login('seat2');
    seat1Targets = await targetsOf('seat1');
    seat2Targets = await targetsOf('seat2');
    expect(seat1Targets.length).toBeGreaterThanOrEqual(2);
    expect(seat2Targets.length).toBeGreaterThanOrEqual(1);
  });
  afterAll(() => t.close());

  const create = (token: string, body: unknown) => t.call('POST', '/xd/client/seatTags', { token, body });

  it('creates, lists with counts, tags targets, pages them and deletes', async () => {
    const vip = await create(seat1, { name: 'VIP', color: '#ff8800' });
    expect(vip.status).toBe(200);
    const tagId = vip.body.data.tagId as string;
    expect(tagId).toMatch(/^\d+$/);
    const other = (await create(seat1, { name: 'later' })).body.data.tagId as string;

    for (const target of seat1Targets) {
      const put = await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { receId: String(target), tagIds: [tagId] } });
      expect(put.status).toBe(200);
      expect(put.body.data).toEqual({ receId: String(target), tagIds: [tagId] });
    }

    const list = await t.call('GET', '/xd/client/seatTags', { token: seat1 });
    expect(list.body.data).toEqual([
      { tagId, name: 'VIP', color: '#ff8800', targets: seat1Targets.length },
      { tagId: other, name: 'later', color: null, targets: 0 },
    ]);

    const page1 = await t.call('POST', '/xd/client/targetsByTag', { token: seat1, body: { tagId, pageno: 1, pageSize: 1 } });
    expect(page1.status).toBe(200);
    expect(page1.body.data).toMatchObject({ total: seat1Targets.length, pageno: 1, pageSize: 1 });
    expect(page1.body.data.rows).toHaveLength(1);
    const row = page1.body.data.rows[0];
    expect(Object.keys(row).sort()).toEqual(['accountId', 'convType', 'lastContent', 'lastSendTime', 'lastSendTimeMs', 'receId', 'receName', 'unread']);
    expect(seat1Targets.map(String)).toContain(row.receId);
    const page2 = await t.call('POST', '/xd/client/targetsByTag', { token: seat1, body: { tagId, pageNo: 2, pageSize: 1 } });
    expect(page2.body.data.rows[0].receId).not.toBe(row.receId);

    // Replacing: the target now carries only `later`.
    const replaced = await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { receId: String(seat1Targets[0]), tagIds: [other] } });
    expect(replaced.body.data.tagIds).toEqual([other]);
    const counts = (await t.call('GET', '/xd/client/seatTags', { token: seat1 })).body.data;
    expect(counts.map((c: { targets: number }) => c.targets)).toEqual([seat1Targets.length - 1, 1]);

    const removed = await t.call('DELETE', `/xd/client/seatTags/${tagId}`, { token: seat1 });
    expect(removed.status).toBe(200);
    expect(removed.body.data).toEqual({ tagId, untagged: seat1Targets.length - 1 });
    const after = (await t.call('GET', '/xd/client/seatTags', { token: seat1 })).body.data;
    expect(after).toEqual([{ tagId: other, name: 'later', color: null, targets: 1 }]);
    expect((await t.call('POST', '/xd/client/targetsByTag', { token: seat1, body: { tagId, pageSize: 10 } })).status).toBe(404);
  });

  it('refuses a duplicate name for the same seat but not for another seat', async () => {
    expect((await create(seat1, { name: 'dup' })).status).toBe(200);
    const again = await create(seat1, { name: 'dup' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 409 });
    expect(again.body.msg).toContain('name');
    expect((await create(seat2, { name: 'dup' })).status).toBe(200);
  });

  it('names the field on bad input', async () => {
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(33) }, 'name'],
      [{ name: 'ok', color: 'red' }, 'color'],
    ];
    for (const [body, field] of cases) {
      const r = await create(seat1, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.msg).toContain(field);
    }
    const badPage = await t.call('POST', '/xd/client/targetsByTag', { token: seat1, body: { tagId: '1', pageSize: 0 } });
    expect(badPage.status).toBe(400);
    expect(badPage.body.msg).toContain('pageSize');
    const badTag = await t.call('POST', '/xd/client/targetsByTag', { token: seat1, body: { tagId: 'abc', pageSize: 5 } });
    expect(badTag.body.msg).toContain('tagId');
    const badIds = await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { receId: String(seat1Targets[0]), tagIds: 'x' } });
    expect(badIds.status).toBe(400);
    expect(badIds.body.msg).toContain('tagIds');
    const badRece = await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { tagIds: [] } });
    expect(badRece.body.msg).toContain('receId');
    expect((await t.call('DELETE', '/xd/client/seatTags/0', { token: seat1 })).status).toBe(400);
  });

  it("keeps one seat out of another seat's tags and targets", async () => {
    const mine = (await create(seat2, { name: 'seat2 only' })).body.data.tagId as string;
    const seat1Tag = (await create(seat1, { name: 'seat1 only' })).body.data.tagId as string;

    expect((await t.call('DELETE', `/xd/client/seatTags/${mine}`, { token: seat1 })).status).toBe(403);
    expect((await t.call('POST', '/xd/client/targetsByTag', { token: seat1, body: { tagId: mine, pageSize: 5 } })).status).toBe(403);
    // Someone else's tag on my own target.
    const foreignTag = await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { receId: String(seat1Targets[0]), tagIds: [mine] } });
    expect(foreignTag.status).toBe(403);
    expect(foreignTag.body.msg).toContain('tagIds');
    // My tag on someone else's target.
    const foreignTarget = await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { receId: String(seat2Targets[0]), tagIds: [seat1Tag] } });
    expect(foreignTarget.status).toBe(403);
    expect((await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { receId: '999999', tagIds: [] } })).status).toBe(404);
    expect((await t.call('DELETE', '/xd/client/seatTags/999999', { token: seat1 })).status).toBe(404);

    // seat2's tag survives and is not listed for seat1.
    const list1 = (await t.call('GET', '/xd/client/seatTags', { token: seat1 })).body.data;
    expect(list1.map((x: { tagId: string }) => x.tagId)).not.toContain(mine);

    // After a transfer both seats may have tagged the target: replacing mine leaves theirs.
    const { db, tables: { conversations, users } } = t.hub.store;
    const target = seat1Targets[1]!;
    expect((await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { receId: String(target), tagIds: [seat1Tag] } })).status).toBe(200);
    const seat2Id = (await db.select().from(users).where(eq(users.username, 'seat2')))[0]!.id;
    await db.update(conversations).set({ seatId: seat2Id }).where(eq(conversations.targetId, target));
    expect((await t.call('PUT', '/xd/client/targetTags', { token: seat2, body: { receId: String(target), tagIds: [mine] } })).status).toBe(200);
    expect((await t.call('PUT', '/xd/client/targetTags', { token: seat1, body: { receId: String(target), tagIds: [] } })).status).toBe(403);
    const seat2Tags = (await t.call('GET', '/xd/client/seatTags', { token: seat2 })).body.data;
    expect(seat2Tags.find((x: { tagId: string }) => x.tagId === mine).targets).toBe(1);
    // seat1 no longer owns it, so its tag's count drops although the tag row stays.
    const seat1Tags = (await t.call('GET', '/xd/client/seatTags', { token: seat1 })).body.data;
    expect(seat1Tags.find((x: { tagId: string }) => x.tagId === seat1Tag).targets).toBe(0);

    const branchToken = await t.login('branch1');
    expect((await t.call('GET', '/xd/client/seatTags', { token: branchToken })).status).toBe(403);
    expect((await t.call('GET', '/xd/client/seatTags')).status).toBe(401);
  });
});
