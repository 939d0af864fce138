// Builds RuoYi's RouterVo tree from a role's directories (M) and pages (C), so a RuoYi-style
// console can add its routes and draw its navigation from `GET /xd/auth/routers` alone.
import type { MenuRow } from './permissions.repository.js';

export interface RouterVo {
  name: string;
  path: string;
  hidden: boolean;
  component: string;
  redirect?: string;
  alwaysShow?: boolean;
  meta: { title: string; icon: string; noCache: boolean; link?: string };
  children?: RouterVo[];
}

const isLink = (path: string) => /^https?:\/\//.test(path);

/** RuoYi's route name: the path with its first letter capitalised (unique paths give unique names). */
export function routeNameOf(menu: Pick<MenuRow, 'id' | 'path'>): string {
  const base = menu.path.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
  return base ? base[0]!.toUpperCase() + base.slice(1) : `Menu${menu.id}`;
}

/** `menus` ordered by parent and orderNum; a menu whose parent is not among them is left out. */
export function buildRouters(menus: MenuRow[]): RouterVo[] {
  const children = new Map<number, MenuRow[]>();
  for (const menu of menus) {
    const list = children.get(menu.parentId) ?? [];
    list.push(menu);
    children.set(menu.parentId, list);
  }
  const build = (menu: MenuRow, root: boolean): RouterVo => {
    const below = (children.get(menu.id) ?? []).map((child) => build(child, false));
    const link = isLink(menu.path) ? menu.path : undefined;
    const router: RouterVo = {
      name: routeNameOf(menu),
      path: link ?? (root ? `/${menu.path}` : menu.path),
      hidden: menu.visible === '1',
      component: menu.menuType === 'M' ? (root ? 'Layout' : 'ParentView') : (menu.component ?? 'ParentView'),
      meta: { title: menu.menuName, icon: menu.icon, noCache: false, ...(link ? { link } : {}) },
    };
    if (below.length > 0) {
      router.children = below;
      if (menu.menuType === 'M') {
        router.alwaysShow = true;
        router.redirect = 'noRedirect';
      }
    }
    return router;
  };
  return (children.get(0) ?? []).map((menu) => build(menu, true));
}
