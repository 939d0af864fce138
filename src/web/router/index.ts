// Routes per role, each screen a lazy chunk so a seat downloads only the seat screen.
// Menus come from GET /xd/auth/routers when the hub serves it; until then a static menu per role.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from '../../realtime/events';
import { useSessionStore } from '../stores/session';

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../views/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('../layouts/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'home', redirect: () => homeOf(useSessionStore().role) },
      { path: 'seat', name: 'seat', component: () => import('../views/seat/SeatView.vue'), meta: { roles: ['seat'], title: 'nav.seat', icon: 'chat' } },
      {
        path: 'supervisor',
        name: 'supervisorWall',
        component: () => import('../views/supervisor/WallView.vue'),
        meta: { roles: ['supervisor', 'branch', 'master'], title: 'nav.supervisorWall', icon: 'grid' },
      },
      {
        path: 'supervisor/seats/:custServId',
        name: 'supervisorWatch',
        component: () => import('../views/supervisor/WatchView.vue'),
        meta: { roles: ['supervisor', 'branch', 'master'], title: 'nav.supervisorWatch', hidden: true },
      },
      { path: 'welcome', name: 'welcome', component: () => import('../views/WelcomeView.vue'), meta: { title: 'nav.seat', hidden: true } },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export function homeOf(role: Role | null): string {
  if (role === 'seat') return '/seat';
  if (role === 'supervisor' || role === 'branch' || role === 'master') return '/supervisor';
  return role === null ? '/login' : '/welcome';
}

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach((to) => {
  const session = useSessionStore();
  if (to.meta.public) return session.loggedIn && to.name === 'login' ? homeOf(session.role) : true;
  if (!session.loggedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  const roles = to.meta.roles as Role[] | undefined;
  if (roles && session.role && !roles.includes(session.role)) return homeOf(session.role);
  return true;
});
