import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { isAllowedTelegramLink } from '../../src/management/management.routes.js';
import { createInboundStore } from '../../src/messages/inbound.repository.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, waitFor, type ClientSocket } from '../helpers/sockets.js';

describe('telegram link and branch/supervisor seat lists', () => {
  let t: TestHub;
  let seat1: string;
  let seat2: string;
  let manager: string;
  let supervisor: string;
  let seat1Id: string;
  let seat2Id: string;
  let farSeatId: string;
  let farManager: string;
  let farSupervisor: string;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    t = await startHub({ listen: true });
    const { db, tables } = t.hub.store;
    const { branches, users } = tables;
    const idOf = async (username: string) => String((await db.select({ id: users.id }).from(users).where(eq(users.username, username)))[0]!.id);
    seat1 = await t.login('seat1');
    seat2 = await t.login('seat2');
    manager = await t.login('branch1');
    supervisor = await t.login('super1');
    seat1Id = await idOf('seat1');
    seat2Id = await idOf('seat2');
    const [far] = await db.insert(branches).values({ name: '二部' }).returning({ id: branches.id });
    const hash = await hashPassword('secret123');
    for (const [username, role] of [['branch2', 'branch'], ['super2', 'supervisor'], ['seat9', 'seat']] as const) {
      const [row] = await db.insert(users).values({ username, name: username, role, branchId: far!.id, passwordHash: hash }).returning({ id: users.id });
      if (role === 'seat') farSeatId = String(row!.id);
    }
    farManager = await t.login('branch2', 'secret123');
    farSupervisor = await t.login('super2', 'secret123');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  const setLink = (seatId: string, link: unknown, token = manager) => t.call('PUT', `/xd/branch/seats/${seatId}/telegramLink`, { token, body: { link } });

  it('lets the branch manager set a seat’s link and the seat read it', async () => {
    const set = await setLink(seat1Id, 'https://t.me/seat1_sales');
    expect(set.status).toBe(200);
    expect(set.body.data).toEqual({ custServId: seat1Id, link: 'https://t.me/seat1_sales' });
    expect((await t.call('GET', '/xd/client/telegramLink', { token: seat1 })).body.data).toEqual({ link: 'https://t.me/seat1_sales' });
    expect((await setLink(seat1Id, 'tg://resolve?domain=seat1_sales')).status).toBe(200);
    expect((await t.call('GET', '/xd/client/telegramLink', { token: seat1 })).body.data.link).toBe('tg://resolve?domain=seat1_sales');
    // seat2's own link is untouched.
    expect((await t.call('GET', '/xd/client/telegramLink', { token: seat2 })).body.data.link).not.toContain('seat1_sales');
    expect((await setLink(seat2Id, null)).status).toBe(200);
    expect((await t.call('GET', '/xd/client/telegramLink', { token: seat2 })).body.data).toEqual({ link: null });
    // An empty string clears it as well.
    await setLink(seat2Id, 'https://t.me/seat2');
    expect((await setLink(seat2Id, '')).body.data.link).toBeNull();
    expect((await t.call('GET', '/xd/client/telegramLink', { token: seat2 })).body.data).toEqual({ link: null });
  });

  it('refuses links that are not https or tg, naming the field', async () => {
    for (const link of ['http://t.me/x', 'javascript:alert(1)', 'ftp://t.me/x', 'not a url', 'tg://', 'https://t.me/a b', 42, true]) {
      const r = await setLink(seat1Id, link);
      expect(r.status, `link ${JSON.stringify(link)}`).toBe(400);
      expect(r.body.msg).toContain('link');
    }
    const noBody = await t.call('PUT', `/xd/branch/seats/${seat1Id}/telegramLink`, { token: manager, body: {} });
    expect(noBody.body.msg).toContain('link');
    const badId = await setLink('seat1', 'https://t.me/x');
    expect(badId.status).toBe(400);
    expect(badId.body.msg).toContain('custServId');
    expect(isAllowedTelegramLink('https://t.me/joinchat/AAAA')).toBe(true);
  });

  it('lets only the manager of the seat’s own branch set its link', async () => {
    expect((await setLink(seat1Id, 'https://t.me/x', farManager)).status).toBe(403);
    expect((await setLink(farSeatId, 'https://t.me/x', manager)).status).toBe(403);
    expect((await setLink('999999', 'https://t.me/x')).status).toBe(404);
    expect((await setLink(seat1Id, 'https://t.me/x', seat1)).status).toBe(403);
    expect((await setLink(seat1Id, 'https://t.me/x', supervisor)).status).toBe(403);
    expect((await t.call('GET', '/xd/client/telegramLink', { token: manager })).status).toBe(403);
    expect((await t.call('GET', '/xd/client/telegramLink')).status).toBe(401);
  });

  it('lists the branch’s seats with online state, today’s fans and open conversations', async () => {
    const before = (await t.call('GET', '/xd/branch/seats', { token: manager })).body.data;
    expect(before.map((s: { custServId: string }) => s.custServId)).toEqual([seat1Id, seat2Id]);
    expect(Object.keys(before[0]).sort()).toEqual(['custServId', 'fansToday', 'name', 'online', 'openConversations', 'telegramLink', 'username']);
    expect(before.every((s: { online: boolean }) => !s.online)).toBe(true);

    // One new target writes to seat2: one more fan today and one more open conversation.
    const [stored] = await createInboundStore(t.hub.store).storeBatch([{
      input: { phone: '+8613800000003', msgId: 'fresh-1', direction: 'in', from: { id: 'wa-new' }, contentType: '1', content: 'hi', sendTime: Date.now() },
      options: { tzName: 'Asia/Shanghai', now: Date.now() },
    }]);
    expect(stored).toHaveProperty('ok');
    sockets.push(await connectSocket(t.url, seat1));
    // A supervisor's socket does not make anyone online but the supervisor.
    sockets.push(await connectSocket(t.url, supervisor));

    const after = (await t.call('GET', '/xd/supervisor/seats', { token: supervisor })).body.data;
    const [s1, s2] = after;
    expect(s1).toMatchObject({ custServId: seat1Id, username: 'seat1', online: true, fansToday: before[0].fansToday, openConversations: before[0].openConversations });
    expect(s2).toMatchObject({ custServId: seat2Id, online: false, fansToday: before[1].fansToday + 1, openConversations: before[1].openConversations + 1 });
    expect((await t.call('GET', '/xd/branch/seats', { token: manager })).body.data).toEqual(after);

    sockets[0]!.close();
    await waitFor(() => t.hub.io.sockets.sockets.size === 1, 3000, 'seat1 socket gone');
    const offline = (await t.call('GET', '/xd/branch/seats', { token: manager })).body.data;
    expect(offline[0].online).toBe(false);
  });

  it('shows each manager only their own branch and refuses other roles', async () => {
    const far = (await t.call('GET', '/xd/branch/seats', { token: farManager })).body.data;
    expect(far.map((s: { custServId: string }) => s.custServId)).toEqual([farSeatId]);
    const farSup = (await t.call('GET', '/xd/supervisor/seats', { token: farSupervisor })).body.data;
    expect(farSup.map((s: { custServId: string }) => s.custServId)).toEqual([farSeatId]);
    expect((await t.call('GET', '/xd/branch/seats', { token: seat1 })).status).toBe(403);
    expect((await t.call('GET', '/xd/branch/seats', { token: supervisor })).status).toBe(403);
    expect((await t.call('GET', '/xd/supervisor/seats', { token: manager })).status).toBe(403);
    expect((await t.call('GET', '/xd/supervisor/seats', { token: seat2 })).status).toBe(403);
    expect((await t.call('GET', '/xd/supervisor/seats')).status).toBe(401);
  });
});
