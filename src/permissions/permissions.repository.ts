// SQL of menus, role → menus and the permission version. Every write goes through a caller's
// transaction (`tx`) so the change, its audit row and the version bump commit together.
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import type { menus as menusTable } from '../db/schema.js';
import { ROLES, type Role } from '../db/schema.js';
import type { Db, Store } from '../db/store.js';
import type { SeedMenu } from './menu-seed.js';

export type MenuRow = typeof menusTable.$inferSelect;
export type MenuInput = Omit<typeof menusTable.$inferInsert, 'id' | 'createdAt'>;

const VERSION_ROW = 1;

export interface PermissionsRepository {
  /** The cheap read every instance polls. 0 before the tree was seeded. */
  version(): Promise<number>;
  /** role → permission strings of its enabled menus. */
  grants(): Promise<Map<Role, Set<string>>>;
  listMenus(): Promise<MenuRow[]>;
  /** Enabled directories and pages of a role (all of them for master), for its navigation. */
  navigationOf(role: Role): Promise<MenuRow[]>;
  menuById(tx: Db, id: number): Promise<MenuRow | undefined>;
  existingMenuIds(tx: Db, ids: number[]): Promise<Set<number>>;
  insertMenu(tx: Db, input: MenuInput): Promise<MenuRow>;
  updateMenu(tx: Db, id: number, change: Partial<MenuInput>): Promise<MenuRow>;
  deleteMenu(tx: Db, id: number): Promise<void>;
  childCount(tx: Db, id: number): Promise<number>;
  rolesHolding(tx: Db, id: number): Promise<Role[]>;
  /** Menu ids per role, ascending (master's rows are never written: it holds everything). */
  roleMenuIds(tx?: Db): Promise<Map<Role, number[]>>;
  replaceRoleMenus(tx: Db, role: Role, menuIds: number[]): Promise<void>;
  /**
   * Marks a change; every instance reloads when it sees the new number. The update locks the
   * version row until commit, so a change that bumps first runs alone among permission changes.
   */
  bumpVersion(tx: Db): Promise<number>;
  /**
   * Writes the starting tree and role grants unless it was written before (the version row is
   * the mark, so an admin who deletes menus does not get them back on the next start).
   */
  seedOnce(tx: Db, tree: SeedMenu[], rolePermissions: Partial<Record<Role, string[]>>): Promise<boolean>;
}

export function createPermissionsRepository(store: Store): PermissionsRepository {
  const { menus, roleMenus, permissionVersion } = store.tables;
  const db = store.db;
  const treeOrder = [asc(menus.parentId), asc(menus.orderNum), asc(menus.id)] as const;

  return {
    async version() {
      const [row] = await db.select({ version: permissionVersion.version }).from(permissionVersion).where(eq(permissionVersion.id, VERSION_ROW));
      return row?.version ?? 0;
    },

    async grants() {
      const rows = await db
        .select({ role: roleMenus.role, perms: menus.perms })
        .from(roleMenus)
        .innerJoin(menus, eq(menus.id, roleMenus.menuId))
        .where(and(eq(menus.status, '0'), ne(menus.perms, '')));
      const byRole = new Map<Role, Set<string>>(ROLES.map((role) => [role, new Set<string>()]));
      for (const row of rows) byRole.get(row.role)!.add(row.perms);
      return byRole;
    },

    async listMenus() {
      return db.select().from(menus).orderBy(...treeOrder);
    },

    async navigationOf(role) {
      const shown = and(inArray(menus.menuType, ['M', 'C']), eq(menus.status, '0'));
      if (role === 'master') return db.select().from(menus).where(shown).orderBy(...treeOrder);
      const rows = await db
        .select({ menu: menus })
        .from(menus)
        .innerJoin(roleMenus, and(eq(roleMenus.menuId, menus.id), eq(roleMenus.role, role)))
        .where(shown)
        .orderBy(...treeOrder);
      return rows.map((r) => r.menu);
    },

    async menuById(tx, id) {
      const [row] = await tx.select().from(menus).where(eq(menus.id, id));
      return row;
    },

    async existingMenuIds(tx, ids) {
      if (ids.length === 0) return new Set();
      const rows = await tx.select({ id: menus.id }).from(menus).where(inArray(menus.id, ids));
      return new Set(rows.map((r) => r.id));
    },

    async insertMenu(tx, input) {
      const [row] = await tx.insert(menus).values(input).returning();
      return row!;
    },

    async updateMenu(tx, id, change) {
      const [row] = await tx.update(menus).set(change).where(eq(menus.id, id)).returning();
      return row!;
    },

    async deleteMenu(tx, id) {
      await tx.delete(menus).where(eq(menus.id, id));
    },

    async childCount(tx, id) {
      const [row] = await tx.select({ n: count() }).from(menus).where(eq(menus.parentId, id));
      return row?.n ?? 0;
    },

    async rolesHolding(tx, id) {
      const rows = await tx.select({ role: roleMenus.role }).from(roleMenus).where(eq(roleMenus.menuId, id)).orderBy(asc(roleMenus.role));
      return rows.map((r) => r.role);
    },

    async roleMenuIds(tx = db) {
      const byRole = new Map<Role, number[]>(ROLES.map((role) => [role, []]));
      for (const row of await tx.select().from(roleMenus).orderBy(asc(roleMenus.menuId))) byRole.get(row.role)!.push(row.menuId);
      return byRole;
    },

    async replaceRoleMenus(tx, role, menuIds) {
      await tx.delete(roleMenus).where(eq(roleMenus.role, role));
      if (menuIds.length > 0) await tx.insert(roleMenus).values(menuIds.map((menuId) => ({ role, menuId })));
    },

    async bumpVersion(tx) {
      const [row] = await tx
        .update(permissionVersion)
        .set({ version: sql`${permissionVersion.version} + 1` })
        .where(eq(permissionVersion.id, VERSION_ROW))
        .returning({ version: permissionVersion.version });
      return row?.version ?? 0;
    },

    async seedOnce(tx, tree, rolePermissions) {
      // The version row is claimed first: a second instance starting on the same empty
      // PostgreSQL database waits on it here, then finds it taken and writes nothing.
      const claimed = await tx.insert(permissionVersion).values({ id: VERSION_ROW, version: 1 }).onConflictDoNothing().returning({ id: permissionVersion.id });
      if (claimed.length === 0) return false;
      const grants = new Map<Role, Set<string>>(Object.entries(rolePermissions).map(([role, perms]) => [role as Role, new Set(perms)]));
      const granted = new Map<Role, number[]>([...grants.keys()].map((role) => [role, []]));
      // Resolves to the roles that hold this menu or one below it: a role sees the way to its pages.
      const insert = async (node: SeedMenu, parentId: number, orderNum: number): Promise<Set<Role>> => {
        const [row] = await tx
          .insert(menus)
          .values({ parentId, menuName: node.name, orderNum, path: node.path ?? '', component: node.component ?? null, menuType: node.type, perms: node.perms ?? '', icon: node.icon ?? '#' })
          .returning({ id: menus.id });
        const holders = new Set<Role>();
        for (const [role, perms] of grants) if (node.perms && perms.has(node.perms)) holders.add(role);
        // In order, one after another: ids follow the tree as they always have.
        for (const [i, child] of (node.children ?? []).entries()) for (const role of await insert(child, row!.id, i + 1)) holders.add(role);
        for (const role of holders) granted.get(role)!.push(row!.id);
        return holders;
      };
      for (const [i, node] of tree.entries()) await insert(node, 0, i + 1);
      for (const [role, ids] of granted) if (ids.length > 0) await tx.insert(roleMenus).values(ids.map((menuId) => ({ role, menuId })));
      return true;
    },
  };
}
