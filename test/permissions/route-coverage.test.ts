// Every route and socket event names what it needs: a route added without an entry in the
// permission table fails here (and is refused at run time to everyone but master).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_ROLE_PERMISSIONS, SEED_TREE, type SeedMenu } from '../../src/permissions/menu-seed.js';
import { createPermit } from '../../src/permissions/permission-guard.js';
import type { PermissionStore } from '../../src/permissions/permission-store.js';
import { allPermissions, PUBLIC, ruleForRoute, SOCKET_EVENTS } from '../../src/permissions/permission-table.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket } from '../helpers/sockets.js';

const treePermissions = (nodes: SeedMenu[]): string[] => nodes.flatMap((n) => [...(n.perms ? [n.perms] : []), ...treePermissions(n.children ?? [])]);

describe('the permission table', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startHub({ listen: true });
  });
  afterAll(() => t.close());

  it('covers every registered route: listed with a permission, or explicitly public', () => {
    const routes = t.hub.routes();
    const api = routes.filter((r) => r.url.startsWith('/xd/'));
    expect(api.length).toBeGreaterThan(40);
    expect(routes.filter((r) => r.rule === undefined).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // Spot checks that the lookup ignores parameter names and treats HEAD as GET.
    expect(ruleForRoute('DELETE', '/xd/client/seatTags/:tagId')).toBe('client:tag:remove');
    expect(ruleForRoute('HEAD', '/xd/admin/menus')).toBe('admin:menu:query');
    expect(ruleForRoute('POST', '/xd/protocol/messageCallback')).toBe(PUBLIC);
    expect(ruleForRoute('POST', '/xd/client/somethingNew')).toBeUndefined();
    expect(ruleForRoute('POST', '/outside')).toBeUndefined();
  });

  it.each([
    ['waha', { BRIDGE_DRIVER: 'waha', WAHA_URL: 'http://127.0.0.1:9', WAHA_WEBHOOK_HMAC_KEY: 'waha-hmac-key-0123456789' }],
    ['evolution', { BRIDGE_DRIVER: 'evolution', EVOLUTION_URL: 'http://127.0.0.1:9', EVOLUTION_API_KEY: 'k', EVOLUTION_WEBHOOK_SECRET: 'evolution-secret-0123456789' }],
  ])('covers the routes only the %s driver registers', async (_driver, env) => {
    const driverHub = await startHub({ env });
    try {
      const routes = driverHub.hub.routes();
      expect(routes.some((r) => r.url.startsWith(`/xd/protocol/${_driver}`))).toBe(true);
      expect(routes.filter((r) => r.rule === undefined).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    } finally {
      await driverHub.close();
    }
  });

  it('covers every socket event a connected socket listens to', async () => {
    const socket = await connectSocket(t.url, await t.login('seat1'));
    try {
      const server = [...t.hub.io.sockets.sockets.values()][0]!;
      const events = server.eventNames().map(String).filter((e) => !['disconnect', 'disconnecting', 'error'].includes(e));
      expect(events.length).toBeGreaterThanOrEqual(4);
      for (const event of events) expect(Object.hasOwn(SOCKET_EVENTS, event), event).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('has every permission of the table in the seeded tree, and the seed names no other', () => {
    const inTree = new Set(treePermissions(SEED_TREE));
    const named = allPermissions();
    expect(named.filter((p) => !inTree.has(p))).toEqual([]);
    expect([...inTree].filter((p) => !named.includes(p))).toEqual([]);
    for (const [role, perms] of Object.entries(SEED_ROLE_PERMISSIONS)) {
      expect(perms.filter((p) => !named.includes(p)), role).toEqual([]);
    }
  });

  it('publishes the navigation, menu and role routes in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/docs/json')).body;
    for (const [path, method] of [['/xd/auth/info', 'get'], ['/xd/auth/routers', 'get'], ['/xd/admin/menus', 'get'], ['/xd/admin/menus', 'post'], ['/xd/admin/menus/{menuId}', 'put'], ['/xd/admin/menus/{menuId}', 'delete'], ['/xd/admin/roles', 'get'], ['/xd/admin/roles/{role}/menus', 'put']]) {
      expect(doc.paths[path!]?.[method!]?.security, `${method} ${path}`).toEqual([{ token: [] }]);
    }
    expect(doc.components.schemas.RouterVo.required).toEqual(['name', 'path', 'hidden', 'component', 'meta']);
  });

  it('refuses a route nobody listed to every role but master', () => {
    const store = { has: () => true } as unknown as PermissionStore;
    const permit = createPermit(store);
    expect(() => permit({ role: 'master' }, undefined)).not.toThrow();
    for (const role of ['admin', 'branch', 'supervisor', 'seat'] as const) {
      expect(() => permit({ role }, undefined)).toThrow(/permission denied/);
    }
  });
});
