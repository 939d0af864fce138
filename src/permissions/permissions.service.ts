// Menu and role-grant changes: each is one transaction holding the change, its audit row and
// the permission version bump; after the commit every instance reloads its copy.
import { writeTransaction, type Db } from '../db/open.js';
import { ROLES, type Role } from '../db/schema.js';
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
export type RecordAudit = (tx: Db, entry: AuditEntry) => void;

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

export function createPermissionsService(deps: { db: Db; repository: PermissionsRepository; store: PermissionStore; recordAudit: RecordAudit }) {
  const { db, repository, store, recordAudit } = deps;

  /** Runs a change with its version bump, then refreshes every instance. */
  function change<T>(work: (tx: Db) => T): T {
    const result = writeTransaction(db, (tx) => {
      const out = work(tx);
      repository.bumpVersion(tx);
      return out;
    });
    store.changed();
    return result;
  }

  function checkShape(tx: Db, menu: { id?: number; parentId: number; menuType: MenuRow['menuType']; path: string }) {
    if (menu.menuType !== 'F' && menu.path === '') throw badRequest('path', 'is required for a directory (M) or page (C)');
    if (menu.parentId === 0) return;
    const parent = repository.menuById(tx, menu.parentId);
    if (!parent) throw badRequest('parentId', `no menu ${menu.parentId}`);
    if (parent.menuType === 'F') throw badRequest('parentId', 'a button (F) cannot have children');
    // Walk up from the new parent: meeting the menu itself would close a loop.
    for (let at: MenuRow | undefined = parent, steps = 0; at && steps < 1000; at = repository.menuById(tx, at.parentId), steps++) {
      if (at.id === menu.id) throw badRequest('parentId', 'cannot be the menu itself or one below it');
      if (at.parentId === 0) break;
    }
  }

  const rolesView = (tx: Db = db) => {
    const menuIds = repository.roleMenuIds(tx);
    const grants = repository.grants();
    const everyMenu = repository.listMenus().map((m) => String(m.id));
    return ROLES.map((role) => ({
      role,
      name: ROLE_NAMES[role],
      menuIds: role === 'master' ? everyMenu : menuIds.get(role)!.map(String),
      permissions: role === 'master' ? [ALL_PERMISSIONS] : [...grants.get(role)!].sort(),
    }));
  };

  return {
    listMenus: () => repository.listMenus().map(menuView),

    createMenu(actor: Actor, input: MenuChange & Pick<MenuInput, 'menuName' | 'menuType'>) {
      return change((tx) => {
        const row = { ...input, parentId: input.parentId ?? 0, path: input.path ?? '' };
        checkShape(tx, row);
        const menu = repository.insertMenu(tx, row);
        recordAudit(tx, { actorId: actor.id, action: 'menu.create', subject: `menu:${menu.id}`, detail: { after: menuView(menu) }, ip: actor.ip });
        return menuView(menu);
      });
    },

    updateMenu(actor: Actor, id: number, input: MenuChange) {
      // Unknown fields are dropped before this point, so a body of only those arrives empty.
      if (Object.values(input).every((v) => v === undefined)) throw badRequest('body', 'names no menu field to change');
      return change((tx) => {
        const before = repository.menuById(tx, id);
        if (!before) throw notFound('menuId');
        checkShape(tx, { id, parentId: input.parentId ?? before.parentId, menuType: input.menuType ?? before.menuType, path: input.path ?? before.path });
        if (input.menuType === 'F' && before.menuType !== 'F' && repository.childCount(tx, id) > 0) throw conflict('menuType: a menu with children cannot become a button (F)');
        const after = repository.updateMenu(tx, id, input);
        const [was, is] = [menuView(before), menuView(after)];
        const changed = (Object.keys(is) as (keyof typeof is)[]).filter((k) => was[k] !== is[k]);
        recordAudit(tx, {
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
      return change((tx) => {
        const before = repository.menuById(tx, id);
        if (!before) throw notFound('menuId');
        if (repository.childCount(tx, id) > 0) throw conflict('menuId: the menu has children; delete them first');
        const holders = repository.rolesHolding(tx, id);
        if (holders.length > 0) throw conflict(`menuId: the menu is given to ${holders.join(', ')}; take it from them first`);
        repository.deleteMenu(tx, id);
        recordAudit(tx, { actorId: actor.id, action: 'menu.delete', subject: `menu:${id}`, detail: { before: menuView(before) }, ip: actor.ip });
        return { menuId: String(id) };
      });
    },

    roles: () => rolesView(),

    setRoleMenus(actor: Actor, role: Role, menuIds: number[]) {
      if (role === 'master') throw badRequest('role', 'master always has every permission (*:*:*) and cannot be changed');
      const wanted = [...new Set(menuIds)].sort((a, b) => a - b);
      return change((tx) => {
        const known = repository.existingMenuIds(tx, wanted);
        const unknown = wanted.find((id) => !known.has(id));
        if (unknown !== undefined) throw badRequest('menuIds', `no menu ${unknown}`);
        const before = repository.roleMenuIds(tx).get(role)!;
        repository.replaceRoleMenus(tx, role, wanted);
        recordAudit(tx, {
          actorId: actor.id,
          action: 'role.menus',
          subject: `role:${role}`,
          detail: { before: { menuIds: before.map(String) }, after: { menuIds: wanted.map(String) } },
          ip: actor.ip,
        });
        return { role, menuIds: wanted };
      });
    },

    roleView(role: Role) {
      return rolesView().find((r) => r.role === role)!;
    },
  };
}

export type PermissionsService = ReturnType<typeof createPermissionsService>;
