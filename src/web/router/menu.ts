// The navigation a role sees, from the hub's `GET /xd/auth/routers` (RuoYi RouterVo tree).
// Each page (a node with a `component`) maps to the console screen that implements that
// component; pages this build has no screen for (the seat's replies, tags, transfers and fans
// live inside the seat workspace) are left out, and so are screens meant for another role
// (a supervisor may hold the chat permission but has no accounts of its own to chat with).
// An entry keeps the hub's route `name`: outside suites find it as `nav-<name>`.
import type { Role } from '../../realtime/events';

export interface NavEntry {
  /** The hub's RouterVo name (`Dashboard`, `Chat`, `Accounts`, …). */
  name: string;
  /** The console route it opens. */
  route: string;
  /** i18n key of the console's title for it. */
  title: string;
  icon?: string;
  /** The hub's own title (the menu name an admin may have changed). */
  hubTitle: string;
}

export interface ScreenMeta {
  /** The RouterVo component this screen implements. */
  component: string;
  title: string;
  icon?: string;
  /** Roles this screen makes sense for; any when absent. */
  roles?: Role[];
}

export interface RouterNode {
  name?: unknown;
  component?: unknown;
  hidden?: unknown;
  children?: unknown;
  meta?: { title?: unknown } | null;
}

/** Entries in the tree's order, one per console route (the first page naming it wins). */
export function navFromRouters(tree: unknown, screens: Map<string, ScreenMeta & { route: string }>, role: Role | null): NavEntry[] {
  const out: NavEntry[] = [];
  const seen = new Set<string>();
  const walk = (nodes: unknown) => {
    if (!Array.isArray(nodes)) return;
    for (const node of nodes as RouterNode[]) {
      if (!node || typeof node !== 'object' || node.hidden === true) continue;
      const screen = typeof node.component === 'string' ? screens.get(node.component) : undefined;
      if (screen && typeof node.name === 'string' && !seen.has(screen.route) && (!screen.roles || (role !== null && screen.roles.includes(role)))) {
        seen.add(screen.route);
        out.push({ name: node.name, route: screen.route, title: screen.title, icon: screen.icon, hubTitle: typeof node.meta?.title === 'string' ? node.meta.title : node.name });
      }
      walk(node.children);
    }
  };
  walk(tree);
  return out;
}

/** The components a tree grants (hidden pages included: hidden means "not in the menu", not "forbidden"). */
export function componentsOf(tree: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (nodes: unknown) => {
    if (!Array.isArray(nodes)) return;
    for (const node of nodes as RouterNode[]) {
      if (!node || typeof node !== 'object') continue;
      if (typeof node.component === 'string') out.add(node.component);
      walk(node.children);
    }
  };
  walk(tree);
  return out;
}

/** RuoYi's `hasPermi`: `*:*:*` holds everything. */
export function holds(permissions: readonly string[], wanted: string | readonly string[]): boolean {
  if (permissions.includes('*:*:*')) return true;
  const list = typeof wanted === 'string' ? [wanted] : wanted;
  return list.some((p) => permissions.includes(p));
}
