// Menus and grants over REST, as an admin console would change them.
import type { TestHub } from '../helpers/hub.js';

export interface MenuView {
  menuId: string;
  parentId: string;
  menuName: string;
  menuType: 'M' | 'C' | 'F';
  perms: string;
  path: string;
  visible: '0' | '1';
  status: '0' | '1';
}

export async function menus(hub: TestHub, token: string): Promise<MenuView[]> {
  const answer = await hub.call('GET', '/xd/admin/menus', { token });
  if (answer.status !== 200) throw new Error(`menus: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.data;
}

export async function menuIdOf(hub: TestHub, token: string, perms: string): Promise<string> {
  const found = (await menus(hub, token)).find((m) => m.perms === perms);
  if (!found) throw new Error(`no menu with ${perms}`);
  return found.menuId;
}

export async function roleMenuIds(hub: TestHub, token: string, role: string): Promise<string[]> {
  const answer = await hub.call('GET', '/xd/admin/roles', { token });
  return answer.body.data.find((r: { role: string }) => r.role === role).menuIds;
}

export async function setRoleMenus(hub: TestHub, token: string, role: string, menuIds: string[]) {
  return hub.call('PUT', `/xd/admin/roles/${role}/menus`, { token, body: { menuIds } });
}

/** Takes the menu carrying `perms` away from `role`; answers the menu ids to restore. */
export async function revoke(hub: TestHub, token: string, role: string, perms: string): Promise<string[]> {
  const before = await roleMenuIds(hub, token, role);
  const id = await menuIdOf(hub, token, perms);
  const answer = await setRoleMenus(hub, token, role, before.filter((m) => m !== id));
  if (answer.status !== 200) throw new Error(`revoke: ${answer.status} ${JSON.stringify(answer.body)}`);
  return before;
}

/** Resolves with the milliseconds until `check` holds, polling every 20 ms; throws after `limitMs`. */
export async function msUntil(check: () => Promise<boolean>, limitMs: number, what: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
