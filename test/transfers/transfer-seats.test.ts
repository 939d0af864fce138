// GET /xd/client/transferSeats: who a target may be handed to.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../helpers/hub.js';
import { addSecondBranch, addUser, branchOf, userId } from './fixtures.js';

describe('transferSeats', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startHub();
  });
  afterEach(() => t.close());

  const search = async (token: string, name?: string) => {
    const query = name === undefined ? '' : `?name=${encodeURIComponent(name)}`;
    return t.call('GET', `/xd/client/transferSeats${query}`, { token });
  };
  const names = (res: { body: any }) => (res.body.data as { username: string }[]).map((s) => s.username);

  it("lists enabled seats of the caller's branch, caller excluded, matching name or username", async () => {
    const store = t.hub.store;
    const branchId = await branchOf(store, 'seat1');
    await addUser(store, { username: 'seat3', name: '夜班%坐席', role: 'seat', branchId });
    await addUser(store, { username: 'seat4', name: '停用坐席', role: 'seat', branchId, disabled: true });
    await addSecondBranch(store);
    const seat1 = await t.login('seat1');

    const all = await search(seat1);
    expect(all.status).toBe(200);
    expect(names(all).sort()).toEqual(['seat2', 'seat3']);
    expect(all.body.data).toContainEqual({ custServId: String(await userId(store, 'seat2')), name: '坐席二', username: 'seat2', online: false });

    expect(names(await search(seat1, '二'))).toEqual(['seat2']);
    expect(names(await search(seat1, 'SEAT3'))).toEqual(['seat3']);
    expect(names(await search(seat1, '%'))).toEqual(['seat3']); // literal, not a wildcard
    expect(names(await search(seat1, '_'))).toEqual([]);
    expect(names(await search(seat1, 'seat9'))).toEqual([]); // another branch
    expect(names(await search(seat1, 'super'))).toEqual([]); // not a seat

    // A branch manager sees every seat of its branch; another branch's manager sees its own.
    expect(names(await search(await t.login('branch1'))).sort()).toEqual(['seat1', 'seat2', 'seat3']);
    expect(names(await search(await t.login('branch2')))).toEqual(['seat9']);
    // Master and admin belong to no branch: transfers stay within a branch, so nobody to list.
    expect((await search(await t.login('master'))).body.data).toEqual([]);
  });

  it('needs a token and a bounded name', async () => {
    expect((await t.call('GET', '/xd/client/transferSeats')).status).toBe(401);
    const long = await search(await t.login('seat1'), 'x'.repeat(65));
    expect(long.status).toBe(400);
    expect(long.body.msg).toMatch(/^querystring\.name: /);
  });
});
