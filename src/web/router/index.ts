// Routes per screen, each a lazy chunk so a seat downloads only the seat screen. A screen names
// the RouterVo components (from `GET /xd/auth/routers`) it implements: the navigation shows it
// and the guard opens it only when the hub grants one of them to the signed-in role.
import { createRouter, createWebHistory, type Router, type RouteRecordRaw } from 'vue-router';
import type { Role } from '../../realtime/events';
import { usePermissionsStore, type PermissionSource } from '../stores/permissions';
import { useSessionStore } from '../stores/session';
import type { ScreenMeta } from './menu';

const WALL = ['monitor/supervisor-seats/index', 'monitor/branch-seats/index'];
export const MANAGERS: Role[] = ['branch', 'admin', 'master'];

interface Screen {
  path: string;
  name: string;
  load: () => Promise<unknown>;
  components: string[];
  title: string;
  icon?: string;
  roles?: Role[];
  hidden?: boolean;
}

const SCREENS: Screen[] = [
  { path: 'dashboard', name: 'dashboard', load: () => import('../views/dashboard/DashboardView.vue'), components: ['dashboard/index'], title: 'nav.dashboard', icon: 'dashboard' },
  { path: 'seat', name: 'seat', load: () => import('../views/seat/SeatView.vue'), components: ['seat/chat/index'], title: 'nav.seat', icon: 'chat', roles: ['seat'] },
  { path: 'supervisor', name: 'supervisorWall', load: () => import('../views/supervisor/WallView.vue'), components: WALL, title: 'nav.supervisorWall', icon: 'grid', roles: ['supervisor', 'branch', 'master'] },
  { path: 'supervisor/seats/:custServId', name: 'supervisorWatch', load: () => import('../views/supervisor/WatchView.vue'), components: WALL, title: 'nav.supervisorWatch', roles: ['supervisor', 'branch', 'master'], hidden: true },
  { path: 'replies', name: 'replies', load: () => import('../views/branch/RepliesView.vue'), components: ['seat/replies/index'], title: 'nav.replies', roles: ['branch'] },
  { path: 'group-pulls', name: 'groupPulls', load: () => import('../views/branch/GroupPullsView.vue'), components: ['seat/group-pulls/index'], title: 'nav.groupPulls', roles: ['seat', 'branch'] },
  { path: 'system/users', name: 'users', load: () => import('../views/system/UsersView.vue'), components: ['system/users/index'], title: 'nav.users', roles: MANAGERS },
  { path: 'system/accounts', name: 'accounts', load: () => import('../views/system/AccountsView.vue'), components: ['system/accounts/index'], title: 'nav.accounts', roles: MANAGERS },
  { path: 'system/branches', name: 'branches', load: () => import('../views/system/BranchesView.vue'), components: ['system/branches/index'], title: 'nav.branches', roles: ['admin', 'master'] },
  { path: 'system/audit', name: 'audit', load: () => import('../views/system/AuditView.vue'), components: ['system/audit/index'], title: 'nav.audit', roles: ['admin', 'master'] },
  { path: 'system/proxies', name: 'proxies', load: () => import('../views/system/ProxiesView.vue'), components: ['system/proxies/index'], title: 'nav.proxies', roles: ['admin', 'master'] },
  { path: 'system/menus', name: 'menus', load: () => import('../views/system/MenusView.vue'), components: ['system/menus/index'], title: 'nav.menus', roles: ['admin', 'master'] },
  { path: 'system/roles', name: 'roles', load: () => import('../views/system/RolesView.vue'), components: ['system/roles/index'], title: 'nav.roles', roles: ['admin', 'master'] },
];

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../views/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('../layouts/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homeOf(useSessionStore().role) },
      ...SCREENS.map(
        (s): RouteRecordRaw => ({
          path: s.path,
          name: s.name,
          component: s.load as RouteRecordRaw['component'] & object,
          meta: { components: s.components, roles: s.roles, title: s.title, icon: s.icon, hidden: s.hidden },
        }),
      ),
      { path: 'welcome', name: 'welcome', component: () => import('../views/WelcomeView.vue'), meta: { title: 'nav.dashboard', hidden: true } },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

/** RouterVo component → the console screen implementing it (menu entries only). */
export const screens = new Map<string, ScreenMeta & { route: string }>(
  SCREENS.filter((s) => !s.hidden).flatMap((s) => s.components.map((component) => [component, { component, route: s.name, title: s.title, icon: s.icon, roles: s.roles }] as const)),
);

/** The screen a role starts on. */
export function homeOf(role: Role | null): string {
  if (role === null) return '/login';
  if (role === 'seat') return '/seat';
  if (role === 'supervisor' || role === 'branch') return '/supervisor';
  return '/dashboard';
}

function allowed(meta: { components?: string[]; roles?: Role[] }, role: Role | null, mayOpen: (c: string) => boolean): boolean {
  if (meta.roles && (role === null || !meta.roles.includes(role))) return false;
  return !meta.components || meta.components.some(mayOpen);
}

/** Where to go when the role's own home is not granted: the first screen it may open. */
function fallbackHome(role: Role | null, mayOpen: (c: string) => boolean): string {
  const first = SCREENS.find((s) => !s.hidden && allowed(s, role, mayOpen));
  return first ? `/${first.path}` : '/welcome';
}

export const router = createRouter({ history: createWebHistory(), routes });

/** Wires the guard to where permissions come from (kept apart so the router imports no API). */
export function guardRoutes(target: Router, source: PermissionSource): void {
  target.beforeEach(async (to) => {
    const session = useSessionStore();
    if (to.meta.public) return session.loggedIn && to.name === 'login' ? homeOf(session.role) : true;
    if (!session.loggedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    const permissions = usePermissionsStore();
    if (permissions.owner !== session.token) {
      permissions.reset();
      try {
        await permissions.refresh(source, session.token);
      } catch {
        // Shown by the HTTP client (a 401 already went back to login).
        return session.loggedIn ? true : { name: 'login' };
      }
    } else {
      // Already known: go on at once and pick up an admin's change for the next screen.
      void permissions.refresh(source, session.token).catch(() => undefined);
    }
    const meta = to.meta as { components?: string[]; roles?: Role[] };
    if (allowed(meta, session.role, permissions.mayOpen)) return true;
    const home = homeOf(session.role);
    const homeRoute = target.resolve(home);
    if (home !== to.path && allowed(homeRoute.meta as typeof meta, session.role, permissions.mayOpen)) return home;
    const fallback = fallbackHome(session.role, permissions.mayOpen);
    return fallback === to.path ? '/welcome' : fallback;
  });
}
