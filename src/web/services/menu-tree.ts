// The role permission tree (RuoYi's role menu tree) over the hub's flat menu list. A role's
// menus must be closed upwards (a page needs its directory, a button its page, or the hub's
// navigation leaves them out), so ticking a node ticks its ancestors and its whole subtree,
// and unticking one unticks its subtree; ancestors stay as they are.
import type { MenuRow } from '../api/admin';

export interface MenuNode {
  id: string;
  label: string;
  perms: string;
  type: MenuRow['menuType'];
  children: MenuNode[];
}

export function buildMenuTree(menus: MenuRow[]): MenuNode[] {
  const nodes = new Map(menus.map((m) => [m.menuId, { id: m.menuId, label: m.menuName, perms: m.perms, type: m.menuType, children: [] as MenuNode[] }]));
  const roots: MenuNode[] = [];
  const ordered = [...menus].sort((a, b) => a.orderNum - b.orderNum || Number(a.menuId) - Number(b.menuId));
  for (const menu of ordered) {
    const node = nodes.get(menu.menuId)!;
    const parent = nodes.get(menu.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

function parents(menus: MenuRow[]): Map<string, string> {
  return new Map(menus.map((m) => [m.menuId, m.parentId]));
}

function subtree(menus: MenuRow[], id: string): string[] {
  const out = [id];
  for (let i = 0; i < out.length; i += 1) for (const m of menus) if (m.parentId === out[i]) out.push(m.menuId);
  return out;
}

/** The role's menus after ticking (`on`) or unticking node `id`. */
export function toggleMenu(menus: MenuRow[], checked: Iterable<string>, id: string, on: boolean): Set<string> {
  const next = new Set(checked);
  for (const below of subtree(menus, id)) {
    if (on) next.add(below);
    else next.delete(below);
  }
  if (on) {
    const up = parents(menus);
    for (let p = up.get(id); p !== undefined && up.has(p); p = up.get(p)) next.add(p);
  }
  return next;
}
