// Menu and role-grant changes: each is one transaction holding the change, its audit row and
// the permission version bump; after the commit every instance reloads its copy.
import { ROLES, type Role } from '../db/schema.js';
import type { Db, Store } from '../db/store.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { PermissionStore } from './permission-store.js';
import { ALL_PERMISSIONS } from './permission-table.js';
import type { MenuInput, MenuRow, PermissionsRepository } from './permissions.repository.js';

/** One administrative write, as the audit log records it (never a password). */
export interface AuditEntry {
  actorId: number;
  action: string;
  subject: string;
  detail: { before?: unknown; after?: unknown };
  ip: string;
}

/** Writes an audit row inside the caller's transaction. */
export type RecordAudit = (tx: Db, entry: AuditEntry) => Promise<unknown>;

export interface Actor {
  id: number;
  ip: string;
}

export const ROLE_NAMES: Record<Role, string> = { master: '主控', admin: '管理员', branch: '分管', supervisor: '坐席主管', seat: '客服坐席' };

export type MenuChange = Partial<Omit<MenuInput, 'parentId'>> & { parentId?: number };

export function menuView(menu: MenuRow) {
  return {
    menuId: String(menu.id),
    parentId: String(menu.parentId),
    menuName: menu.menuName,
    orderNum: menu.orderNum,
    path: menu.path,
    component: menu.component,
    menuType: menu.menuType,
    perms: menu.perms,
    visible: menu.visible,
    status: menu.status,
    icon: menu.icon,
  };
}

export interface PermissionsServiceDeps {
  store: Store;
  repository: PermissionsRepository;
  /** This instance's in-memory copy, reloaded after each change. */
  permissionStore: PermissionStore;
  recordAudit: RecordAudit;
}

export function createPermissionsService(deps: PermissionsServiceDeps) {
  const { store, repository, permissionStore, recordAudit } = deps;

  /** Runs a change with its version bump, then refreshes every instance. */
  async function change<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const result = await store.transaction(async (tx) => {
      // Bumped first: the version row stays locked until commit, so on PostgreSQL no other
      // permission change reads the tree between this one's checks and its writes (two moves
      // that each look loop-free alone could otherwise close a loop together).
      await repository.bumpVersion(tx);
      return work(tx);
    });
    await permissionStore.changed();
    return result;
  }

  async function checkShape(tx: Db, menu: { id?: number; parentId: number; menuType: MenuRow['menuType']; path: string }) {
    if (menu.menuType !== 'F' && menu.path === '') throw badRequest('path', 'is required for a directory (M) or page (C)');
    if (menu.parentId === 0) return;
    const parent = await repository.menuById(tx, menu.parentId);
    if (!parent) throw badRequest('parentId', `no menu ${menu.parentId}`);
    if (parent.menuType === 'F') throw badRequest('parentId', 'a button (F) cannot have children');
    // Walk up from the new parent: meeting the menu itself would close a loop.
    for (let at: MenuRow | undefined = parent, steps = 0; at && steps < 1000; at = await repository.menuById(tx, at.parentId), steps++) {
      if (at.id === menu.id) throw badRequest('parentId', 'cannot be the menu itself or one below it');
      if (at.parentId === 0) break;
    }
  }

  const rolesView = async () => {
    const [menuIds, grants, menus] = await Promise.all([repository.roleMenuIds(), repository.grants(), repository.listMenus()]);
    const everyMenu = menus.map((m) => String(m.id));
    return ROLES.map((role) => ({
      role,
      name: ROLE_NAMES[role],
      menuIds: role === 'master' ? everyMenu : menuIds.get(role)!.map(String),
      permissions: role === 'master' ? [ALL_PERMISSIONS] : [...grants.get(role)!].sort(),
    }));
  };

  return {
    listMenus: async () => (await repository.listMenus()).map(menuView),

    createMenu(actor: Actor, input: MenuChange & Pick<MenuInput, 'menuName' | 'menuType'>) {
      return change(async (tx) => {
        const row = { ...input, parentId: input.parentId ?? 0, path: input.path ?? '' };
        await checkShape(tx, row);
        const menu = await repository.insertMenu(tx, row);
        await recordAudit(tx, { actorId: actor.id, action: 'menu.create', subject: `menu:${menu.id}`, detail: { after: menuView(menu) }, ip: actor.ip });
        return menuView(menu);
      });
    },

    async updateMenu(actor: Actor, id: number, input: MenuChange) {
      // Unknown fields are dropped before this point, so a body of only those arrives empty.
      if (Object.values(input).every((v) => v === undefined)) throw badRequest('body', 'names no menu field to change');
      return change(async (tx) => {
        const before = await repository.menuById(tx, id);
        if (!before) throw notFound('menuId');
        await checkShape(tx, { id, parentId: input.parentId ?? before.parentId, menuType: input.menuType ?? before.menuType, path: input.path ?? before.path });
        if (input.menuType === 'F' && before.menuType !== 'F' && (await repository.childCount(tx, id)) > 0) throw conflict('menuType: a menu with children cannot become a button (F)');
        const after = await repository.updateMenu(tx, id, input);
        const [was, is] = [menuView(before), menuView(after)];
        const changed = (Object.keys(is) as (keyof typeof is)[]).filter((k) => was[k] !== is[k]);
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'menu.update',
          subject: `menu:${id}`,
          detail: { before: Object.fromEntries(changed.map((k) => [k, was[k]])), after: Object.fromEntries(changed.map((k) => [k, is[k]])) },
          ip: actor.ip,
        });
        return is;
      });
    },

    deleteMenu(actor: Actor, id: number) {
      return change(async (tx) => {
        const before = await repository.menuById(tx, id);
        if (!before) throw notFound('menuId');
        if ((await repository.childCount(tx, id)) > 0) throw conflict('menuId: the menu has children; delete them first');
        const holders = await repository.rolesHolding(tx, id);
        if (holders.length > 0) throw conflict(`menuId: the menu is given to ${holders.join(', ')}; take it from them first`);
        await repository.deleteMenu(tx, id);
        await recordAudit(tx, { actorId: actor.id, action: 'menu.delete', subject: `menu:${id}`, detail: { before: menuView(before) }, ip: actor.ip });
        return { menuId: String(id) };
      });
    },

    roles: () => rolesView(),

    async setRoleMenus(actor: Actor, role: Role, menuIds: number[]) {
      if (role === 'master') throw badRequest('role', 'master always has every permission (*:*:*) and cannot be changed');
      const wanted = [...new Set(menuIds)].sort((a, b) => a - b);
      return change(async (tx) => {
        const known = await repository.existingMenuIds(tx, wanted);
        const unknown = wanted.find((id) => !known.has(id));
        if (unknown !== undefined) throw badRequest('menuIds', `no menu ${unknown}`);
        const before = (await repository.roleMenuIds(tx)).get(role)!;
        await repository.replaceRoleMenus(tx, role, wanted);
        await recordAudit(tx, {
          actorId: actor.id,
          action: 'role.menus',
          subject: `role:${role}`,
          detail: { before: { menuIds: before.map(String) }, after: { menuIds: wanted.map(String) } },
          ip: actor.ip,
        });
        return { role, menuIds: wanted };
      });
    },

    async roleView(role: Role) {
      return (await rolesView()).find((r) => r.role === role)!;
    },
  };
}

export type PermissionsService = ReturnType<typeof createPermissionsService>;
