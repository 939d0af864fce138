// Menu CRUD and role → menus under /xd/admin. Whatever the grants say, only master and admin
// reach these routes: a role able to edit grants could otherwise grant itself anything.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { ok } from '../http/errors.js';
import type { Actor, MenuChange, PermissionsService } from './permissions.service.js';
import { CreateMenuBody, MenuParams, MenuResponses, RoleMenusBody, RoleParams, UpdateMenuBody } from './permissions.schemas.js';

export interface MenuRoutesDeps {
  guard: Guard;
  permissions: PermissionsService;
}

const actorOf = (request: FastifyRequest): Actor => ({ id: currentUser(request).id, ip: request.ip });

/** Wire fields → row fields: ids arrive as decimal strings. */
function menuChangeOf(body: { parentId?: string } & Omit<MenuChange, 'parentId'>): MenuChange {
  const { parentId, ...rest } = body;
  return parentId === undefined ? rest : { ...rest, parentId: Number(parentId) };
}

export const menuRoutes: FastifyPluginAsyncTypebox<MenuRoutesDeps> = async (app, deps) => {
  const onRequest = deps.guard('master', 'admin');
  const common = { tags: ['admin'], security: [{ token: [] }] };
  const { permissions } = deps;

  app.get('/menus', { onRequest, schema: { ...common, summary: 'Every menu, flat (RuoYi sys_menu)', response: MenuResponses.list } }, async () =>
    ok(await permissions.listMenus()),
  );

  app.post(
    '/menus',
    { onRequest, schema: { ...common, summary: 'Create a menu: directory (M), page (C) or button (F)', body: CreateMenuBody, response: MenuResponses.one } },
    async (request) => {
      const body = request.body;
      return ok(await permissions.createMenu(actorOf(request), { ...menuChangeOf(body), menuName: body.menuName, menuType: body.menuType }));
    },
  );

  app.put(
    '/menus/:menuId',
    { onRequest, schema: { ...common, summary: 'Change a menu; every instance applies a changed permission within 1 s', params: MenuParams, body: UpdateMenuBody, response: MenuResponses.one } },
    async (request) => ok(await permissions.updateMenu(actorOf(request), Number(request.params.menuId), menuChangeOf(request.body))),
  );

  app.delete(
    '/menus/:menuId',
    { onRequest, schema: { ...common, summary: 'Delete a menu; 409 while it has children or a role holds it', params: MenuParams, response: MenuResponses.remove } },
    async (request) => ok(await permissions.deleteMenu(actorOf(request), Number(request.params.menuId))),
  );

  app.get('/roles', { onRequest, schema: { ...common, summary: 'The five roles with their menus and permissions', response: MenuResponses.roles } }, async () =>
    ok(await permissions.roles()),
  );

  app.put(
    '/roles/:role/menus',
    {
      onRequest,
      schema: { ...common, summary: "Replace a role's menus (400 for master, which always has everything)", params: RoleParams, body: RoleMenusBody, response: MenuResponses.role },
    },
    async (request) => {
      const { role } = request.params;
      await permissions.setRoleMenus(actorOf(request), role, request.body.menuIds.map(Number));
      return ok(await permissions.roleView(role));
    },
  );
};
