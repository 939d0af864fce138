import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { collectEvents, connectSocket, nextEvent, waitFor, type ClientSocket } from '../helpers/sockets.js';

describe('quick replies and content', () => {
  let t: TestHub;
  let seat1: string;
  let seat2: string;
  let manager: string;
  let otherManager: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    t = await startHub({ listen: true });
    seat1 = await t.login('seat1');
    seat2 = await t.login('seat2');
    manager = await t.login('branch1');
    // A second branch with its own manager, to prove branch content stays in its branch.
    const { db, tables } = t.hub.store;
    const [branch] = await db.insert(tables.branches).values({ name: '二部' }).returning();
    await db.insert(tables.users).values({ username: 'branch2', name: '分管二', role: 'branch', branchId: branch!.id, passwordHash: await hashPassword('branch2123') });
    otherManager = await t.login('branch2');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  const create = (token: string, body: Record<string, unknown>) => t.call('POST', '/xd/client/content', { token, body });
  const socket = async (token: string) => {
    const s = await connectSocket(t.url, token);
    sockets.push(s);
    return s;
  };

  it('creates seat and branch content, lists own first, and pushes replies:changed to the right seats', async () => {
    const s1 = await socket(seat1);
    const s2 = await socket(seat2);
    const seen2 = collectEvents(s2, 'replies:changed');

    const ownPush = nextEvent(s1, 'replies:changed');
    const own = await create(seat1, { title: '问候', body: '您好，请问有什么可以帮您？', shortcut: 'hi', scope: 'seat' });
    expect(own.status).toBe(200);
    const ownId = own.body.data.contentId as string;
    const pushed = await ownPush;
    expect(pushed).toMatchObject({ scope: 'seat', contentId: ownId, change: 'created' });
    expect(pushed.cursor).toBeGreaterThan(0);

    const both = Promise.all([nextEvent(s1, 'replies:changed'), nextEvent(s2, 'replies:changed')]);
    const branch = await create(manager, { title: '价格表', body: 'price list', contentType: '2', mediaUrl: 'https://cdn.example.com/p.png', scope: 'branch' });
    expect(branch.status).toBe(200);
    const branchId = branch.body.data.contentId as string;
    for (const p of await both) expect(p).toMatchObject({ scope: 'branch', contentId: branchId, change: 'created' });
    // seat2 heard only the branch item, never seat1's own one.
    expect(seen2.map((p) => p.contentId)).toEqual([branchId]);

    const list1 = await t.call('GET', '/xd/client/quickReplies?pageNo=1&pageSize=10', { token: seat1 });
    expect(list1.status).toBe(200);
    expect(list1.body.data).toMatchObject({ total: 2, pageno: 1, pageSize: 10 });
    expect(list1.body.data.rows).toEqual([
      { contentId: ownId, title: '问候', body: '您好，请问有什么可以帮您？', contentType: '1', mediaUrl: null, shortcut: 'hi', scope: 'seat' },
      { contentId: branchId, title: '价格表', body: 'price list', contentType: '2', mediaUrl: 'https://cdn.example.com/p.png', shortcut: null, scope: 'branch' },
    ]);
    const list2 = await t.call('GET', '/xd/client/quickReplies?pageSize=10', { token: seat2 });
    expect(list2.body.data.rows.map((r: { contentId: string }) => r.contentId)).toEqual([branchId]);
    const filtered = await t.call('GET', `/xd/client/quickReplies?keyword=${encodeURIComponent('PRICE')}&pageSize=10`, { token: seat1 });
    expect(filtered.body.data.rows.map((r: { contentId: string }) => r.contentId)).toEqual([branchId]);
    const other = await t.call('GET', '/xd/client/quickReplies?pageSize=10', { token: otherManager });
    expect(other.body.data.total).toBe(0);

    // Deleting branch content pushes to the whole branch again.
    const gone = Promise.all([nextEvent(s1, 'replies:changed'), nextEvent(s2, 'replies:changed')]);
    expect((await t.call('DELETE', `/xd/client/content/${branchId}`, { token: manager })).status).toBe(200);
    for (const p of await gone) expect(p).toMatchObject({ contentId: branchId, change: 'deleted' });
    const deletedOwn = nextEvent(s1, 'replies:changed');
    expect((await t.call('DELETE', `/xd/client/content/${ownId}`, { token: seat1 })).status).toBe(200);
    expect(await deletedOwn).toMatchObject({ contentId: ownId, change: 'deleted', scope: 'seat' });
    await waitFor(() => seen2.length === 2, 2000, 'seat2 saw both branch events');
    expect(seen2.map((p) => p.change)).toEqual(['created', 'deleted']);
    expect((await t.call('GET', '/xd/client/quickReplies?pageSize=10', { token: seat1 })).body.data.total).toBe(0);
  });

  it('ranks search results: shortcut prefix, then title, then body', async () => {
    const ids: Record<string, string> = {};
    const make = async (key: string, body: Record<string, unknown>) => {
      const r = await create(seat2, { scope: 'seat', ...body });
      expect(r.status).toBe(200);
      ids[key] = r.body.data.contentId;
    };
    await make('body', { title: 'thanks', body: 'we ship worldwide' });
    await make('title', { title: 'Shipping times', body: 'three days' });
    await make('shortcut', { title: 'delivery', body: 'soon', shortcut: 'ship' });
    await make('none', { title: 'unrelated', body: 'nothing here', shortcut: 'xship' });
    const branchItem = await create(manager, { title: 'ship policy', body: 'branch wide', scope: 'branch' });

    const r = await t.call('POST', '/xd/client/searchQuickReplies', { token: seat2, body: { keyword: 'SHIP', pageNo: 1, pageSize: 10 } });
    expect(r.status).toBe(200);
    const order = r.body.data.rows.map((x: { contentId: string }) => x.contentId);
    // 'xship' has no prefix match and no title/body match: excluded. Own title match before the branch one.
    expect(order).toEqual([ids.shortcut, ids.title, branchItem.body.data.contentId, ids.body]);
    expect(r.body.data.total).toBe(4);
    const page2 = await t.call('POST', '/xd/client/searchQuickReplies', { token: seat2, body: { keyword: 'ship', pageno: 2, pageSize: 3 } });
    expect(page2.body.data.rows.map((x: { contentId: string }) => x.contentId)).toEqual([ids.body]);
    // LIKE wildcards are plain characters.
    const wild = await t.call('POST', '/xd/client/searchQuickReplies', { token: seat2, body: { keyword: '%', pageSize: 10 } });
    expect(wild.body.data.total).toBe(0);
    // seat1 sees none of seat2's own items.
    const s1 = await t.call('POST', '/xd/client/searchQuickReplies', { token: seat1, body: { keyword: 'ship', pageSize: 10 } });
    expect(s1.body.data.rows.map((x: { scope: string }) => x.scope)).toEqual(['branch']);
  });

  it('names the field on bad input', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ body: 'x', scope: 'seat' }, 'title'],
      [{ title: 'x', scope: 'seat' }, 'body'],
      [{ title: 'x', body: 'y' }, 'scope'],
      [{ title: 'x', body: 'y', scope: 'team' }, 'scope'],
      [{ title: 'x', body: 'y', scope: 'seat', contentType: '9' }, 'contentType'],
      [{ title: 'x', body: '', scope: 'seat', contentType: '2' }, 'mediaUrl'],
      [{ title: 'x', body: 'y', scope: 'seat', mediaUrl: 'javascript:alert(1)' }, 'mediaUrl'],
      [{ title: 'x', body: 'y', scope: 'seat', shortcut: 'two words' }, 'shortcut'],
      [{ title: 'x', body: ' ', scope: 'seat' }, 'body'],
    ];
    for (const [body, field] of cases) {
      const r = await create(seat1, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.msg).toContain(field);
    }
    const noKeyword = await t.call('POST', '/xd/client/searchQuickReplies', { token: seat1, body: { pageSize: 10 } });
    expect(noKeyword.status).toBe(400);
    expect(noKeyword.body.msg).toContain('keyword');
    const badSize = await t.call('GET', '/xd/client/quickReplies?pageSize=500', { token: seat1 });
    expect(badSize.status).toBe(400);
    expect(badSize.body.msg).toContain('pageSize');
    expect((await t.call('DELETE', '/xd/client/content/abc', { token: seat1 })).body.msg).toContain('contentId');
  });

  it('lets only the owner or the branch manager delete, and only managers make branch content', async () => {
    const own = (await create(seat1, { title: 'mine', body: 'b', scope: 'seat' })).body.data.contentId;
    const branch = (await create(manager, { title: 'team', body: 'b', scope: 'branch' })).body.data.contentId;

    expect((await create(seat1, { title: 't', body: 'b', scope: 'branch' })).status).toBe(403);
    expect((await create(manager, { title: 't', body: 'b', scope: 'seat' })).status).toBe(403);
    expect((await create(await t.login('super1'), { title: 't', body: 'b', scope: 'seat' })).status).toBe(403);

    expect((await t.call('DELETE', `/xd/client/content/${own}`, { token: seat2 })).status).toBe(403);
    expect((await t.call('DELETE', `/xd/client/content/${own}`, { token: manager })).status).toBe(403);
    expect((await t.call('DELETE', `/xd/client/content/${branch}`, { token: seat1 })).status).toBe(403);
    expect((await t.call('DELETE', `/xd/client/content/${branch}`, { token: otherManager })).status).toBe(403);
    expect((await t.call('DELETE', '/xd/client/content/999999', { token: seat1 })).status).toBe(404);
    expect((await t.call('GET', '/xd/client/quickReplies')).status).toBe(401);

    expect((await t.call('DELETE', `/xd/client/content/${own}`, { token: seat1 })).status).toBe(200);
    expect((await t.call('DELETE', `/xd/client/content/${branch}`, { token: manager })).status).toBe(200);
    expect((await t.call('DELETE', `/xd/client/content/${branch}`, { token: manager })).status).toBe(404);
  });
});
