import { describe, expect, it } from 'vitest';
import { componentsOf, holds, navFromRouters, type ScreenMeta } from '../../../src/web/router/menu';

const screens = new Map<string, ScreenMeta & { route: string }>([
  ['dashboard/index', { component: 'dashboard/index', route: 'dashboard', title: 'nav.dashboard' }],
  ['seat/chat/index', { component: 'seat/chat/index', route: 'seat', title: 'nav.seat', roles: ['seat'] }],
  ['monitor/supervisor-seats/index', { component: 'monitor/supervisor-seats/index', route: 'supervisorWall', title: 'nav.supervisorWall', roles: ['supervisor', 'master'] }],
  ['monitor/branch-seats/index', { component: 'monitor/branch-seats/index', route: 'supervisorWall', title: 'nav.supervisorWall', roles: ['branch', 'master'] }],
]);

const tree = [
  { name: 'Dashboard', path: '/dashboard', component: 'dashboard/index', hidden: false, meta: { title: '首页' } },
  {
    name: 'Seat', path: '/seat', component: 'Layout', hidden: false, meta: { title: '坐席工作台' },
    children: [
      { name: 'Chat', path: 'chat', component: 'seat/chat/index', hidden: false, meta: { title: '会话' } },
      { name: 'Tags', path: 'tags', component: 'seat/tags/index', hidden: false, meta: { title: '坐席标签' } },
    ],
  },
  {
    name: 'Monitor', path: '/monitor', component: 'Layout', hidden: false, meta: { title: '坐席监控' },
    children: [
      { name: 'SupervisorSeats', path: 'supervisorSeats', component: 'monitor/supervisor-seats/index', hidden: false, meta: { title: '坐席墙(主管)' } },
      { name: 'BranchSeats', path: 'branchSeats', component: 'monitor/branch-seats/index', hidden: false, meta: { title: '坐席墙(分管)' } },
    ],
  },
];

describe('navigation from /xd/auth/routers', () => {
  it('keeps the hub’s names, in the tree’s order, for the pages this console has a screen for', () => {
    expect(navFromRouters(tree, screens, 'seat').map((e) => [e.name, e.route])).toEqual([
      ['Dashboard', 'dashboard'],
      ['Chat', 'seat'],
    ]);
  });

  it('leaves out screens meant for another role and shows a screen granted twice once', () => {
    expect(navFromRouters(tree, screens, 'supervisor').map((e) => e.name)).toEqual(['Dashboard', 'SupervisorSeats']);
    expect(navFromRouters(tree, screens, 'master').map((e) => e.name)).toEqual(['Dashboard', 'SupervisorSeats']);
    expect(navFromRouters(tree, screens, 'branch').map((e) => e.name)).toEqual(['Dashboard', 'BranchSeats']);
  });

  it('drops what the hub no longer sends and hides hidden pages from the menu but not from the guard', () => {
    const reduced = [{ ...tree[0], hidden: true }, tree[1]];
    expect(navFromRouters(reduced, screens, 'seat').map((e) => e.name)).toEqual(['Chat']);
    expect([...componentsOf(reduced)]).toEqual(['dashboard/index', 'Layout', 'seat/chat/index', 'seat/tags/index']);
    expect(navFromRouters('not a tree', screens, 'seat')).toEqual([]);
  });

  it('holds a permission when listed, or for the all-permission', () => {
    expect(holds(['client:transfer:add'], 'client:transfer:add')).toBe(true);
    expect(holds(['client:transfer:query'], 'client:transfer:add')).toBe(false);
    expect(holds(['*:*:*'], 'admin:role:edit')).toBe(true);
    expect(holds(['a'], ['b', 'a'])).toBe(true);
  });
});
