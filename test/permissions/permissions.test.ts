// Info, routers, menu CRUD and role grants on one hub; a changed grant refuses REST and socket
// calls with permission_denied naming the permission, and restoring it restores them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/permissions/permissions.service.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, emitWithAck } from '../helpers/sockets.js';
import { startFakeTranslator, type FakeTranslator } from '../translate/fake-libretranslate.js';
import { menuIdOf, menus, revoke, roleMenuIds, setRoleMenus } from './fixtures.js';

type Router = { name: string; path: string; component: string; hidden: boolean; alwaysShow?: boolean; redirect?: string; meta: { title: string }; children?: Router[] };
const namesOf = (routers: Router[]): string[] => routers.flatMap((r) => [r.name, ...namesOf(r.children ?? [])]);

describe('menus and permissions', () => {
  let t: TestHub;
  let translator: FakeTranslator;
  const audit: AuditEntry[] = [];
  const token: Record<string, string> = {};

  beforeAll(async () => {
    translator = await startFakeTranslator();
    t = await startHub({ listen: true, env: { TRANSLATE_URL: translator.url }, recordAudit: async (_tx, entry) => audit.push(entry) });
    for (const name of ['master', 'admin', 'branch1', 'super1', 'seat1']) token[name] = await t.login(name);
  });
  afterAll(async () => {
    await t.close();
    await translator.close();
  });

  const info = async (who: string) => (await t.call('GET', '/xd/auth/info', { token: token[who] })).body.data;
  const routers = async (who: string) => (await t.call('GET', '/xd/auth/routers', { token: token[who] })).body.data as Router[];
  const translate = (who: string) => t.call('POST', '/xd/client/translate', { token: token[who], body: { text: '你好', to: 'en' } });

  it('answers info per role: the user, its role and its permission strings (master: *:*:*)', async () => {
    const seat = await info('seat1');
    expect(seat.user).toMatchObject({ username: 'seat1', role: 'seat', name: '坐席一' });
    expect(seat.user.id).toMatch(/^\d+$/);
    expect(seat.user.branchId).toMatch(/^\d+$/);
    expect(seat.roles).toEqual(['seat']);
    expect(seat.permissions).toEqual(expect.arrayContaining(['client:translate', 'client:message:send', 'client:history:query', 'client:tag:add']));
    expect(seat.permissions.filter((p: string) => p.startsWith('admin:'))).toEqual([]);
    expect(await info('master')).toMatchObject({ roles: ['master'], permissions: ['*:*:*'], user: { branchId: null } });
    const admin = await info('admin');
    expect(admin.permissions).toEqual(expect.arrayContaining(['admin:menu:edit', 'admin:role:edit', 'admin:user:add', 'client:translate']));
    expect(admin.permissions).not.toContain('client:message:send');
    const branch = await info('branch1');
    expect(branch.permissions).toEqual(expect.arrayContaining(['branch:seat:query', 'monitor:seat:watch', 'admin:user:add']));
    expect(branch.permissions).not.toContain('admin:menu:query');
    expect((await t.call('GET', '/xd/auth/info')).status).toBe(401);
  });

  it('answers each role its navigation as a RouterVo tree', async () => {
    const seat = await routers('seat1');
    const workbench = seat.find((r) => r.name === 'Seat')!;
    expect(workbench).toMatchObject({ path: '/seat', component: 'Layout', hidden: false, alwaysShow: true, redirect: 'noRedirect', meta: { title: '坐席工作台' } });
    expect(workbench.children!.find((c) => c.name === 'Chat')).toMatchObject({ path: 'chat', component: 'seat/chat/index' });
    expect(namesOf(seat)).toEqual(expect.arrayContaining(['Dashboard', 'Seat', 'Chat', 'Replies', 'Tags']));
    expect(namesOf(seat)).not.toEqual(expect.arrayContaining(['System']));
    expect(namesOf(seat)).not.toContain('BranchSeats');

    expect(namesOf(await routers('super1'))).toEqual(expect.arrayContaining(['Monitor', 'SupervisorSeats']));
    expect(namesOf(await routers('super1'))).not.toContain('BranchSeats');
    const branch = namesOf(await routers('branch1'));
    expect(branch).toEqual(expect.arrayContaining(['BranchSeats', 'System', 'Users', 'Accounts']));
    expect(branch).not.toContain('Menus');
    const admin = namesOf(await routers('admin'));
    expect(admin).toEqual(expect.arrayContaining(['System', 'Menus', 'Roles', 'Branches', 'Audit', 'Proxies']));
    expect(admin).not.toContain('Tags');
    const master = namesOf(await routers('master'));
    expect(new Set(master).size).toBe(master.length);
    expect(master).toEqual(expect.arrayContaining([...admin, ...branch, 'SupervisorSeats', 'Tags']));
    // Buttons (F) never become routes.
    expect(master.length).toBe((await menus(t, token.admin!)).filter((m) => m.menuType !== 'F').length);
  });

  it('keeps the admin menu and role routes to master and admin, whatever the grants', async () => {
    for (const who of ['seat1', 'super1', 'branch1']) {
      for (const [method, url] of [['GET', '/xd/admin/menus'], ['GET', '/xd/admin/roles'], ['PUT', '/xd/admin/roles/seat/menus'], ['POST', '/xd/admin/menus'], ['DELETE', '/xd/admin/menus/1']] as const) {
        const answer = await t.call(method, url, { token: token[who], body: method === 'GET' || method === 'DELETE' ? undefined : {} });
        expect(answer.status, `${who} ${method} ${url}`).toBe(403);
      }
    }
    expect((await t.call('GET', '/xd/admin/menus')).status).toBe(401);
    expect((await t.call('GET', '/xd/admin/roles', { token: token.master })).status).toBe(200);
  });

  it('refuses a seat its translate call once client:translate is taken from seats, and serves it again when restored', async () => {
    expect((await translate('seat1')).status).toBe(200);
    const before = await revoke(t, token.admin!, 'seat', 'client:translate');
    const denied = await translate('seat1');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 403, error: 'permission_denied' });
    expect(denied.body.msg).toContain('client:translate');
    expect((await info('seat1')).permissions).not.toContain('client:translate');
    // Other roles keep theirs.
    expect((await translate('super1')).status).toBe(200);
    expect((await setRoleMenus(t, token.admin!, 'seat', before)).status).toBe(200);
    expect((await translate('seat1')).status).toBe(200);
    const last = audit.at(-1)!;
    expect(last).toMatchObject({ action: 'role.menus', subject: 'role:seat' });
    expect(last.detail.after).toEqual({ menuIds: [...before].sort((a, b) => Number(a) - Number(b)) });
    expect(last.actorId).toBe(Number((await info('admin')).user.id));
  });

  it('refuses a socket event once its permission is gone, with a 403 ack naming it', async () => {
    const socket = await connectSocket(t.url, token.seat1!);
    try {
      const before = await revoke(t, token.admin!, 'seat', 'client:message:edit');
      const ack = await emitWithAck(socket, 'message:read', { receId: '1' });
      expect(ack).toMatchObject({ code: 403, error: 'permission_denied' });
      expect(ack.msg).toContain('client:message:edit');
      await setRoleMenus(t, token.admin!, 'seat', before);
      expect((await emitWithAck(socket, 'message:read', { receId: '1' })).code).not.toBe(403);
    } finally {
      socket.close();
    }
  });

  it('checks the media route (token in the query) and HEAD twins like every other route', async () => {
    const file = '/xd/media/1-0123456789abcdef.png';
    expect((await t.call('GET', `${file}?token=${token.seat1}`)).status).toBe(404);
    const before = await revoke(t, token.admin!, 'seat', 'client:image:query');
    const denied = await t.call('GET', `${file}?token=${token.seat1}`);
    expect(denied.body).toMatchObject({ code: 403, error: 'permission_denied', msg: expect.stringContaining('client:image:query') });
    expect((await t.call('GET', file)).status).toBe(401);
    await setRoleMenus(t, token.admin!, 'seat', before);
    expect((await t.call('GET', `${file}?token=${token.seat1}`)).status).toBe(404);

    const replies = '/xd/client/quickReplies?pageSize=5';
    expect((await t.call('HEAD', replies, { token: token.seat1 })).status).toBe(200);
    const withReplies = await revoke(t, token.admin!, 'seat', 'client:reply:query');
    expect((await t.call('HEAD', replies, { token: token.seat1 })).status).toBe(403);
    expect((await t.call('GET', replies, { token: token.seat1 })).body.error).toBe('permission_denied');
    await setRoleMenus(t, token.admin!, 'seat', withReplies);
    expect((await t.call('GET', replies, { token: token.seat1 })).status).toBe(200);
  });

  it('takes a disabled menu’s permission from every role but master', async () => {
    const id = await menuIdOf(t, token.admin!, 'client:translate');
    expect((await t.call('PUT', `/xd/admin/menus/${id}`, { token: token.admin, body: { status: '1' } })).status).toBe(200);
    expect((await translate('seat1')).status).toBe(403);
    expect((await translate('master')).status).toBe(200);
    expect((await t.call('PUT', `/xd/admin/menus/${id}`, { token: token.admin, body: { status: '0' } })).status).toBe(200);
    expect((await translate('seat1')).status).toBe(200);
  });

  it('never reduces master', async () => {
    const answer = await setRoleMenus(t, token.admin!, 'master', []);
    expect(answer.status).toBe(400);
    expect(answer.body.msg).toMatch(/^role: /);
    expect((await setRoleMenus(t, token.master!, 'master', [])).status).toBe(400);
    expect((await info('master')).permissions).toEqual(['*:*:*']);
  });

  it('creates, changes and deletes menus, refusing with 409 while children or roles hold one', async () => {
    const admin = token.admin!;
    const create = (body: object) => t.call('POST', '/xd/admin/menus', { token: admin, body });
    const dir = await create({ menuName: '工具', menuType: 'M', path: 'tools', orderNum: 9 });
    expect(dir.status).toBe(200);
    expect(dir.body.data).toMatchObject({ parentId: '0', menuName: '工具', menuType: 'M', path: 'tools', perms: '', visible: '0', status: '0' });
    const page = await create({ parentId: dir.body.data.menuId, menuName: '导出', menuType: 'C', path: 'export', component: 'tools/export/index', perms: 'tools:export:query' });
    expect(page.status).toBe(200);
    const button = await create({ parentId: page.body.data.menuId, menuName: '下载', menuType: 'F', perms: 'tools:export:download' });
    expect(button.status).toBe(200);

    expect((await create({ parentId: button.body.data.menuId, menuName: 'x', menuType: 'F' })).body.msg).toMatch(/^parentId: /);
    expect((await create({ parentId: '999999', menuName: 'x', menuType: 'F' })).body.msg).toMatch(/^parentId: no menu/);
    expect((await create({ menuName: 'x', menuType: 'C' })).body.msg).toMatch(/^path: /);
    const cycle = await t.call('PUT', `/xd/admin/menus/${dir.body.data.menuId}`, { token: admin, body: { parentId: page.body.data.menuId } });
    expect(cycle.status).toBe(400);
    expect(cycle.body.msg).toMatch(/^parentId: /);
    expect((await t.call('PUT', '/xd/admin/menus/999999', { token: admin, body: { menuName: 'y' } })).status).toBe(404);

    // A hidden page stays a route, marked hidden; granted to seats, it shows in their navigation.
    expect((await t.call('PUT', `/xd/admin/menus/${page.body.data.menuId}`, { token: admin, body: { visible: '1' } })).body.data.visible).toBe('1');
    const seatMenus = await roleMenuIds(t, admin, 'seat');
    const granted = [...seatMenus, dir.body.data.menuId, page.body.data.menuId, button.body.data.menuId];
    expect((await setRoleMenus(t, admin, 'seat', granted)).body.data.permissions).toEqual(expect.arrayContaining(['tools:export:query', 'tools:export:download']));
    const tools = (await routers('seat1')).find((r) => r.name === 'Tools')!;
    expect(tools.children).toEqual([expect.objectContaining({ name: 'Export', hidden: true, component: 'tools/export/index' })]);

    const removeDir = await t.call('DELETE', `/xd/admin/menus/${dir.body.data.menuId}`, { token: admin });
    expect(removeDir.status).toBe(409);
    expect(removeDir.body.msg).toMatch(/children/);
    const removeButton = await t.call('DELETE', `/xd/admin/menus/${button.body.data.menuId}`, { token: admin });
    expect(removeButton.status).toBe(409);
    expect(removeButton.body.msg).toMatch(/seat/);

    expect((await setRoleMenus(t, admin, 'seat', seatMenus)).status).toBe(200);
    for (const id of [button, page, dir].map((m) => m.body.data.menuId)) {
      expect((await t.call('DELETE', `/xd/admin/menus/${id}`, { token: admin })).status).toBe(200);
    }
    expect((await t.call('DELETE', `/xd/admin/menus/${dir.body.data.menuId}`, { token: admin })).status).toBe(404);
    expect(audit.filter((a) => a.action === 'menu.delete').map((a) => a.subject)).toEqual([button, page, dir].map((m) => `menu:${m.body.data.menuId}`));
    const renamed = audit.find((a) => a.action === 'menu.update' && a.subject === `menu:${page.body.data.menuId}`)!;
    expect(renamed.detail).toEqual({ before: { visible: '0' }, after: { visible: '1' } });
  });

  it('answers 400 naming the field for bad grants and bad menus, never a 5xx', async () => {
    const admin = token.admin!;
    expect((await setRoleMenus(t, admin, 'seat', ['999999'])).body.msg).toMatch(/^menuIds: no menu 999999/);
    expect((await t.call('PUT', '/xd/admin/roles/root/menus', { token: admin, body: { menuIds: [] } })).body.msg).toMatch(/role/);
    expect((await t.call('PUT', '/xd/admin/roles/seat/menus', { token: admin, body: { menuIds: 'all' } })).body.msg).toMatch(/menuIds/);
    expect((await t.call('PUT', '/xd/admin/roles/seat/menus', { token: admin, body: { menuIds: [{}] } })).body.msg).toMatch(/menuIds/);
    expect((await t.call('POST', '/xd/admin/menus', { token: admin, body: { menuName: 'x', menuType: 'Z' } })).body.msg).toMatch(/menuType/);
    expect((await t.call('POST', '/xd/admin/menus', { token: admin, body: { menuName: 'x', menuType: 'F', perms: 'a b' } })).body.msg).toMatch(/perms/);
    expect((await t.call('PUT', '/xd/admin/menus/1', { token: admin, body: {} })).status).toBe(400);

    const seatBefore = await roleMenuIds(t, admin, 'seat');
    const countBefore = (await menus(t, admin)).length;
    const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.constantFrom('0', '1', 'M', 'C', 'F', '999999', 'a:b'));
    const body = fc.dictionary(fc.constantFrom('parentId', 'menuName', 'orderNum', 'path', 'component', 'menuType', 'perms', 'visible', 'status', 'icon', 'menuIds'), field);
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('POST /xd/admin/menus', 'PUT /xd/admin/menus/1', 'PUT /xd/admin/menus/999999', 'PUT /xd/admin/roles/supervisor/menus'), async (payload, route) => {
        const [method, url] = route.split(' ') as [string, string];
        const answer = await t.call(method, url, { token: admin, body: payload });
        expect(answer.status).toBeLessThan(500);
        expect(answer.body.code).toBe(answer.status);
        if (answer.status === 400) expect(answer.body.msg).toMatch(/^(body|params)?\.?(parentId|menuName|orderNum|path|component|menuType|perms|visible|status|icon|menuIds|role|menuId)?[.:\d ]/);
        if (answer.status === 200 && method === 'POST') await t.call('DELETE', `/xd/admin/menus/${answer.body.data.menuId}`, { token: admin });
      }),
      { numRuns: 150 },
    );
    // Whatever the fuzz did to the supervisor and menu 1, seats and the tree are as they were.
    expect(await roleMenuIds(t, admin, 'seat')).toEqual(seatBefore);
    expect((await menus(t, admin)).length).toBe(countBefore);
  });
});
