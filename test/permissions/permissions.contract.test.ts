// The permissions repository, service and in-memory copy over both engines: the seed written
// once, grants and navigation, menu CRUD with the tree rules (400/404/409), role grants with
// their version bumps and audit rows, and changes that must not interleave on PostgreSQL.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/audit/audit.repository.js';
import type { Store } from '../../src/db/store.js';
import type { HubServer } from '../../src/realtime/hub-server.js';
import { SEED_ROLE_PERMISSIONS, SEED_TREE } from '../../src/permissions/menu-seed.js';
import { createPermissionStore, type PermissionStore } from '../../src/permissions/permission-store.js';
import { createPermissionsRepository, type PermissionsRepository } from '../../src/permissions/permissions.repository.js';
import { createPermissionsService, type PermissionsService } from '../../src/permissions/permissions.service.js';
import { contractStores, ENGINES } from '../helpers/contract-engines.js';

const engines = ENGINES;
const ACTOR = { id: 1, ip: '10.0.0.9' };
// Never touched: these copies do not broadcast.
const io = {} as unknown as HubServer;

const stores = contractStores('permissions');

describe.each(engines)('permissions on %s', (engine) => {
  let store: Store;
  let repository: PermissionsRepository;
  let copy: PermissionStore;
  let service: PermissionsService;
  const errors: unknown[] = [];

  const copyOf = () => createPermissionStore({ repository, io, broadcast: false, pollMs: 0, onError: (e) => errors.push(e) });
  const auditRows = async (action: string) => {
    const { auditLog } = store.tables;
    const [row] = await store.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, action));
    return row!.n;
  };

  beforeAll(async () => {
    store = await stores.open(engine);
    // users(1) is the actor the audit rows name.
    await store.db.insert(store.tables.users).values({ username: 'actor', name: 'actor', passwordHash: 'x', role: 'admin' });
    repository = createPermissionsRepository(store);
  }, 60_000);
  afterAll(async () => {
    copy?.close();
    await store?.close();
  });

  it('is at version 0 with no grants before the seed, and writes the seed exactly once', async () => {
    expect(await repository.version()).toBe(0);
    expect([...(await repository.grants()).values()].every((perms) => perms.size === 0)).toBe(true);
    expect(await store.transaction((tx) => repository.seedOnce(tx, SEED_TREE, SEED_ROLE_PERMISSIONS))).toBe(true);
    const menus = await repository.listMenus();
    const grants = await repository.roleMenuIds();
    expect(await store.transaction((tx) => repository.seedOnce(tx, SEED_TREE, SEED_ROLE_PERMISSIONS))).toBe(false);
    expect(await repository.listMenus()).toEqual(menus);
    expect(await repository.roleMenuIds()).toEqual(grants);
    expect(await repository.version()).toBe(1);
    copy = await copyOf();
    service = createPermissionsService({ store, repository, permissionStore: copy, recordAudit: (tx, entry) => recordAudit(tx, { ...entry, at: 1_000 }) });
  });

  it('grants each role its seeded permissions and shows it the way to its pages', async () => {
    const grants = await repository.grants();
    for (const [role, perms] of Object.entries(SEED_ROLE_PERMISSIONS)) expect([...grants.get(role as keyof typeof SEED_ROLE_PERMISSIONS)!].sort()).toEqual([...new Set(perms)].sort());
    expect(copy.has('seat', 'client:translate')).toBe(true);
    expect(copy.has('seat', 'admin:menu:edit')).toBe(false);
    expect(copy.has('master', 'anything:at:all')).toBe(true);
    expect(copy.permissionsOf('master')).toEqual(['*:*:*']);
    expect(copy.version()).toBe(1);

    const all = await repository.listMenus();
    // Tree order: parent, then orderNum, then id, on both engines.
    const keys = all.map((m) => [m.parentId, m.orderNum, m.id]);
    expect(keys).toEqual([...keys].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!));
    const master = await repository.navigationOf('master');
    expect(master.map((m) => m.id)).toEqual(all.filter((m) => m.menuType !== 'F').map((m) => m.id));
    const seat = await repository.navigationOf('seat');
    expect(seat.map((m) => m.path)).toEqual(expect.arrayContaining(['seat', 'chat', 'replies']));
    expect(seat.every((m) => m.menuType !== 'F')).toBe(true);
    expect(seat.length).toBeLessThan(master.length);
  });

  it('creates, changes and deletes menus under the tree rules, bumping the version only for a change that commits', async () => {
    const version = await repository.version();
    const dir = await service.createMenu(ACTOR, { menuName: '工具', menuType: 'M', path: 'tools', orderNum: 9 });
    const page = await service.createMenu(ACTOR, { parentId: Number(dir.menuId), menuName: '导出', menuType: 'C', path: 'export', perms: 'tools:export:query' });
    const button = await service.createMenu(ACTOR, { parentId: Number(page.menuId), menuName: '下载', menuType: 'F', perms: 'tools:export:download' });
    expect(dir).toMatchObject({ parentId: '0', menuType: 'M', path: 'tools', perms: '', visible: '0', status: '0', icon: '#' });
    expect(await repository.version()).toBe(version + 3);
    expect(copy.version()).toBe(version + 3);
    expect(await auditRows('menu.create')).toBe(3);

    const refused = [
      [() => service.createMenu(ACTOR, { menuName: 'x', menuType: 'C' }), 400, /^path: /],
      [() => service.createMenu(ACTOR, { parentId: 999_999, menuName: 'x', menuType: 'F' }), 400, /^parentId: no menu/],
      [() => service.createMenu(ACTOR, { parentId: Number(button.menuId), menuName: 'x', menuType: 'F' }), 400, /^parentId: a button/],
      [() => service.updateMenu(ACTOR, Number(dir.menuId), { parentId: Number(page.menuId) }), 400, /^parentId: cannot be the menu itself/],
      [() => service.updateMenu(ACTOR, Number(dir.menuId), { parentId: Number(dir.menuId) }), 400, /^parentId: cannot be the menu itself/],
      [() => service.updateMenu(ACTOR, 999_999, { menuName: 'y' }), 404, /menuId/],
      [() => service.updateMenu(ACTOR, Number(dir.menuId), {}), 400, /^body: /],
      [() => service.updateMenu(ACTOR, Number(page.menuId), { menuType: 'F' }), 409, /^menuType: a menu with children/],
      [() => service.deleteMenu(ACTOR, Number(dir.menuId)), 409, /children/],
      [() => service.deleteMenu(ACTOR, 999_999), 404, /menuId/],
    ] as const;
    for (const [attempt, code, msg] of refused) {
      const error = await attempt().then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).toMatch(msg);
    }
    // Nothing a refused change did stayed: no version bump, no audit row, no menu.
    expect(await repository.version()).toBe(version + 3);
    expect(await auditRows('menu.create')).toBe(3);
    expect((await repository.listMenus()).filter((m) => m.menuName === 'x')).toEqual([]);

    const moved = await service.updateMenu(ACTOR, Number(button.menuId), { menuName: '下载全部', orderNum: 2 });
    expect(moved).toMatchObject({ menuName: '下载全部', orderNum: 2, parentId: page.menuId });
    expect(await service.listMenus()).toContainEqual(moved);

    await service.setRoleMenus(ACTOR, 'supervisor', [...(await repository.roleMenuIds()).get('supervisor')!, Number(button.menuId)]);
    const held = await service.deleteMenu(ACTOR, Number(button.menuId)).then(() => undefined, (e: unknown) => e);
    expect(held).toMatchObject({ code: 409, message: expect.stringMatching(/given to supervisor/) });
    await service.setRoleMenus(ACTOR, 'supervisor', (await repository.roleMenuIds()).get('supervisor')!.filter((id) => id !== Number(button.menuId)));

    for (const menu of [button, page, dir]) expect(await service.deleteMenu(ACTOR, Number(menu.menuId))).toEqual({ menuId: menu.menuId });
    expect((await repository.listMenus()).some((m) => m.path === 'tools')).toBe(false);
    expect(await auditRows('menu.delete')).toBe(3);
    expect(await auditRows('menu.update')).toBe(1);
  });

  it('replaces a role’s menus once each, refuses unknown menus and master, and applies the change to the copy at once', async () => {
    const before = (await repository.roleMenuIds()).get('seat')!;
    const translate = (await repository.listMenus()).find((m) => m.perms === 'client:translate')!;
    const version = await repository.version();

    const without = before.filter((id) => id !== translate.id);
    // Duplicates and any order: stored once each, ascending (role_menus' key is (role, menu)).
    const answer = await service.setRoleMenus(ACTOR, 'seat', [...without, ...without].reverse());
    expect(answer).toEqual({ role: 'seat', menuIds: without });
    expect((await repository.roleMenuIds()).get('seat')).toEqual(without);
    expect(copy.has('seat', 'client:translate')).toBe(false);
    expect(copy.version()).toBe(version + 1);
    const view = await service.roleView('seat');
    expect(view.menuIds).toEqual(without.map(String));
    expect(view.permissions).not.toContain('client:translate');

    await expect(service.setRoleMenus(ACTOR, 'seat', [...before, 999_999])).rejects.toMatchObject({ code: 400, message: 'menuIds: no menu 999999' });
    await expect(service.setRoleMenus(ACTOR, 'master', [])).rejects.toMatchObject({ code: 400, message: expect.stringMatching(/^role: /) });
    expect((await repository.roleMenuIds()).get('seat')).toEqual(without);
    expect(await repository.version()).toBe(version + 1);

    await service.setRoleMenus(ACTOR, 'seat', before);
    expect(copy.has('seat', 'client:translate')).toBe(true);
    const roles = await service.roles();
    expect(roles.map((r) => r.role)).toEqual(['master', 'admin', 'branch', 'supervisor', 'seat']);
    expect(roles[0]!.menuIds.length).toBe((await repository.listMenus()).length);
    expect(await auditRows('role.menus')).toBeGreaterThanOrEqual(2);
  });

  it('lets another instance’s copy catch up on refresh, however many refreshes are asked for at once', async () => {
    const other = await copyOf();
    try {
      const translate = (await repository.listMenus()).find((m) => m.perms === 'client:translate')!;
      await service.updateMenu(ACTOR, translate.id, { status: '1' });
      expect(copy.has('admin', 'client:translate')).toBe(false);
      expect(other.has('admin', 'client:translate')).toBe(true);
      await Promise.all([other.refresh(), other.refresh(), other.refresh()]);
      expect(other.has('admin', 'client:translate')).toBe(false);
      expect(other.version()).toBe(copy.version());
      await service.updateMenu(ACTOR, translate.id, { status: '0' });
      await other.refresh();
      expect(other.has('admin', 'client:translate')).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      other.close();
    }
  });

  it('never lets two concurrent moves close a loop between them', async () => {
    const a = await service.createMenu(ACTOR, { menuName: 'A', menuType: 'M', path: 'loop-a' });
    const b = await service.createMenu(ACTOR, { menuName: 'B', menuType: 'M', path: 'loop-b' });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([
        service.updateMenu(ACTOR, Number(a.menuId), { parentId: Number(b.menuId) }),
        service.updateMenu(ACTOR, Number(b.menuId), { parentId: Number(a.menuId) }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 400 } });
      // Back to the top for the next round.
      for (const menu of [a, b]) await service.updateMenu(ACTOR, Number(menu.menuId), { parentId: 0 });
    }
  });

  it('keeps the last copy and reports the error when a refresh fails; refuses to start without a first copy', async () => {
    let down = false;
    const flaky: PermissionsRepository = { ...repository, version: () => (down ? Promise.reject(new Error('database is gone')) : repository.version()) };
    const seen: unknown[] = [];
    const failing = await createPermissionStore({ repository: flaky, io, broadcast: false, pollMs: 0, onError: (e) => seen.push(e) });
    down = true;
    await expect(failing.refresh()).resolves.toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(failing.has('seat', 'client:translate')).toBe(true);
    // A refresh failing after close (the database closing first) is no news.
    failing.close();
    await failing.refresh();
    expect(seen).toHaveLength(1);
    await expect(createPermissionStore({ repository: flaky, io, broadcast: false, pollMs: 0, onError: () => undefined })).rejects.toThrow('database is gone');
  });
});
