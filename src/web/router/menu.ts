// The navigation a role sees: from the hub's `/xd/auth/routers` when it answers, otherwise the
// routes this build knows for the role. Entries keep the route `name` (tests find `nav-<name>`).
import type { Role } from '../../realtime/events';
import { routes } from './index';

export interface NavEntry {
  name: string;
  title: string;
  icon?: string;
}

interface RouteMeta {
  roles?: Role[];
  title?: string;
  icon?: string;
  hidden?: boolean;
}

function known(): { name: string; meta: RouteMeta }[] {
  const children = routes.find((r) => r.path === '/')?.children ?? [];
  return children.filter((r) => typeof r.name === 'string').map((r) => ({ name: r.name as string, meta: (r.meta ?? {}) as RouteMeta }));
}

export function staticMenu(role: Role | null): NavEntry[] {
  return known()
    .filter(({ meta }) => !meta.hidden && meta.title && role !== null && (meta.roles?.includes(role) ?? false))
    .map(({ name, meta }) => ({ name, title: meta.title!, icon: meta.icon }));
}

/** RuoYi-style menu trees: keep the entries whose name is a route of this build, in their order. */
export function menuFromRouters(tree: unknown[], role: Role | null): NavEntry[] {
  const byName = new Map(known().map((k) => [k.name, k.meta]));
  const out: NavEntry[] = [];
  const walk = (nodes: unknown[]) => {
    for (const node of nodes) {
      if (!node || typeof node !== 'object') continue;
      const { name, children, hidden } = node as { name?: unknown; children?: unknown; hidden?: unknown };
      const meta = typeof name === 'string' ? byName.get(name) : undefined;
      if (meta && !hidden && !meta.hidden && meta.title) out.push({ name: name as string, title: meta.title, icon: meta.icon });
      if (Array.isArray(children)) walk(children);
    }
  };
  walk(tree);
  return out.length > 0 ? out : staticMenu(role);
}
