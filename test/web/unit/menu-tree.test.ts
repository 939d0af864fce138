import { describe, expect, it } from 'vitest';
import type { MenuRow } from '../../../src/web/api/admin';
import { buildMenuTree, toggleMenu } from '../../../src/web/services/menu-tree';

const menu = (menuId: string, parentId: string, menuType: MenuRow['menuType'], orderNum = 1, perms = ''): MenuRow => ({
  menuId, parentId, menuName: `m${menuId}`, orderNum, path: `p${menuId}`, component: null, menuType, perms, visible: '0', status: '0', icon: '',
});
// 1 dashboard; 2 seat dir → 3 chat page → 4, 5 buttons; 6 replies page → 7 button.
const menus = [menu('1', '0', 'C'), menu('6', '2', 'C', 2), menu('2', '0', 'M', 2), menu('3', '2', 'C', 1), menu('4', '3', 'F', 1, 'client:message:send'), menu('5', '3', 'F', 2, 'client:transfer:add'), menu('7', '6', 'F')];

describe('role menu tree', () => {
  it('nests the flat list by parent, in order', () => {
    const tree = buildMenuTree(menus);
    expect(tree.map((n) => n.id)).toEqual(['1', '2']);
    expect(tree[1]!.children.map((n) => n.id)).toEqual(['3', '6']);
    expect(tree[1]!.children[0]!.children.map((n) => n.perms)).toEqual(['client:message:send', 'client:transfer:add']);
  });

  it('ticking a button ticks its page and directory; ticking a page ticks its buttons', () => {
    expect([...toggleMenu(menus, [], '5', true)].sort()).toEqual(['2', '3', '5']);
    expect([...toggleMenu(menus, ['1'], '6', true)].sort()).toEqual(['1', '2', '6', '7']);
  });

  it('unticking removes the subtree and leaves the ancestors', () => {
    const all = menus.map((m) => m.menuId);
    expect([...toggleMenu(menus, all, '5', false)].sort()).toEqual(['1', '2', '3', '4', '6', '7']);
    expect([...toggleMenu(menus, all, '3', false)].sort()).toEqual(['1', '2', '6', '7']);
  });
});
