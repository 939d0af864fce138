// SQL of menus, role → menus and the permission version. Every write goes through a caller's
// transaction (`tx`) so the change, its audit row and the version bump commit together.
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { menus, permissionVersion, roleMenus, ROLES, type Role } from '../db/schema.js';
import type { SeedMenu } from './menu-seed.js';

export type MenuRow = typeof menus.$inferSelect;
export type MenuInput = Omit<typeof menus.$inferInsert, 'id' | 'createdAt'>;

const VERSION_ROW = 1;

export function createPermissionsRepository(db: Db) {
  const selectVersion = db.select({ version: permissionVersion.version }).from(permissionVersion).where(eq(permissionVersion.id, VERSION_ROW)).prepare();

  return {
    /** The cheap read every instance polls. 0 before the tree was seeded. */
    version(): number {
      return selectVersion.get()?.version ?? 0;
    },

    /** role → permission strings of its enabled menus. */
    grants(): Map<Role, Set<string>> {
      const rows = db
        .select({ role: roleMenus.role, perms: menus.perms })
        .from(roleMenus)
        .innerJoin(menus, eq(menus.id, roleMenus.menuId))
        .where(and(eq(menus.status, '0'), ne(menus.perms, '')))
        .all();
      const byRole = new Map<Role, Set<string>>(ROLES.map((role) => [role, new Set<string>()]));
      for (const row of rows) byRole.get(row.role)!.add(row.perms);
      return byRole;
    },

    listMenus(): MenuRow[] {
      return db.select().from(menus).orderBy(asc(menus.parentId), asc(menus.orderNum), asc(menus.id)).all();
    },

    /** Enabled directories and pages of a role (all of them for master), for its navigation. */
    navigationOf(role: Role): MenuRow[] {
      const shown = and(inArray(menus.menuType, ['M', 'C']), eq(menus.status, '0'));
      const order = [asc(menus.parentId), asc(menus.orderNum), asc(menus.id)] as const;
      if (role === 'master') return db.select().from(menus).where(shown).orderBy(...order).all();
      return db
        .select({ menu: menus })
        .from(menus)
        .innerJoin(roleMenus, and(eq(roleMenus.menuId, menus.id), eq(roleMenus.role, role)))
        .where(shown)
        .orderBy(...order)
        .all()
        .map((r) => r.menu);
    },

    menuById(tx: Db, id: number): MenuRow | undefined {
      return tx.select().from(menus).where(eq(menus.id, id)).get();
    },

    existingMenuIds(tx: Db, ids: number[]): Set<number> {
      if (ids.length === 0) return new Set();
      return new Set(tx.select({ id: menus.id }).from(menus).where(inArray(menus.id, ids)).all().map((r) => r.id));
    },

    insertMenu(tx: Db, input: MenuInput): MenuRow {
      return tx.insert(menus).values(input).returning().get();
    },

    updateMenu(tx: Db, id: number, change: Partial<MenuInput>): MenuRow {
      return tx.update(menus).set(change).where(eq(menus.id, id)).returning().get()!;
    },

    deleteMenu(tx: Db, id: number): void {
      tx.delete(menus).where(eq(menus.id, id)).run();
    },

    childCount(tx: Db, id: number): number {
      return tx.select({ n: count() }).from(menus).where(eq(menus.parentId, id)).get()?.n ?? 0;
    },

    rolesHolding(tx: Db, id: number): Role[] {
      return tx.select({ role: roleMenus.role }).from(roleMenus).where(eq(roleMenus.menuId, id)).all().map((r) => r.role);
    },

    /** Menu ids per role (master's rows are never written: it holds everything). */
    roleMenuIds(tx: Db = db): Map<Role, number[]> {
      const byRole = new Map<Role, number[]>(ROLES.map((role) => [role, []]));
      for (const row of tx.select().from(roleMenus).orderBy(asc(roleMenus.menuId)).all()) byRole.get(row.role)!.push(row.menuId);
      return byRole;
    },

    replaceRoleMenus(tx: Db, role: Role, menuIds: number[]): void {
      tx.delete(roleMenus).where(eq(roleMenus.role, role)).run();
      if (menuIds.length > 0) tx.insert(roleMenus).values(menuIds.map((menuId) => ({ role, menuId }))).run();
    },

    /** Marks a change; every instance reloads when it sees the new number. */
    bumpVersion(tx: Db): number {
      return tx
        .update(permissionVersion)
        .set({ version: sql`${permissionVersion.version} + 1` })
        .where(eq(permissionVersion.id, VERSION_ROW))
        .returning({ version: permissionVersion.version })
        .get()!.version;
    },

    /**
     * Writes the starting tree and role grants unless it was written before (the version row is
     * the mark, so an admin who deletes menus does not get them back on the next start).
     */
    seedOnce(tx: Db, tree: SeedMenu[], rolePermissions: Partial<Record<Role, string[]>>): boolean {
      if (tx.select({ id: permissionVersion.id }).from(permissionVersion).get()) return false;
      const grants = new Map<Role, Set<string>>(Object.entries(rolePermissions).map(([role, perms]) => [role as Role, new Set(perms)]));
      const granted = new Map<Role, number[]>([...grants.keys()].map((role) => [role, []]));
      // Returns the roles that hold this menu or one below it: a role sees the way to its pages.
      const insert = (node: SeedMenu, parentId: number, orderNum: number): Set<Role> => {
        const row = tx
          .insert(menus)
          .values({ parentId, menuName: node.name, orderNum, path: node.path ?? '', component: node.component ?? null, menuType: node.type, perms: node.perms ?? '', icon: node.icon ?? '#' })
          .returning({ id: menus.id })
          .get();
        const holders = new Set<Role>();
        for (const [role, perms] of grants) if (node.perms && perms.has(node.perms)) holders.add(role);
        (node.children ?? []).forEach((child, i) => {
          for (const role of insert(child, row.id, i + 1)) holders.add(role);
        });
        for (const role of holders) granted.get(role)!.push(row.id);
        return holders;
      };
      tree.forEach((node, i) => insert(node, 0, i + 1));
      for (const [role, ids] of granted) if (ids.length > 0) tx.insert(roleMenus).values(ids.map((menuId) => ({ role, menuId }))).run();
      tx.insert(permissionVersion).values({ id: VERSION_ROW, version: 1 }).run();
      return true;
    },
  };
}

export type PermissionsRepository = ReturnType<typeof createPermissionsRepository>;
