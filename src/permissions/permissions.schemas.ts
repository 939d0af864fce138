// Wire schemas of navigation (info, routers), menus and role grants.
import { Type, type TSchema } from '@sinclair/typebox';
import { MENU_TYPES, ROLES } from '../db/schema.js';
import { Envelope, ErrorEnvelope, Id, errorResponses } from '../http/envelope.schemas.js';

const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Flag = (description: string) => Type.Union([Type.Literal('0'), Type.Literal('1')], { description });

export const InfoResponse = {
  200: Envelope(
    Type.Object({
      user: Type.Object({ id: Id, name: Type.String(), username: Type.String(), role: RoleName, branchId: Type.Union([Id, Type.Null()]) }),
      roles: Type.Array(RoleName),
      permissions: Type.Array(Type.String(), { description: "the role's permission strings; master: ['*:*:*']" }),
    }),
  ),
  401: ErrorEnvelope,
};

const RouterMeta = Type.Object({ title: Type.String(), icon: Type.String(), noCache: Type.Boolean(), link: Type.Optional(Type.String()) });
const RouterVo: TSchema = Type.Recursive((Self) =>
  Type.Object({
    name: Type.String({ description: 'route name; the console marks its entry nav-<name>' }),
    path: Type.String(),
    hidden: Type.Boolean(),
    component: Type.String(),
    redirect: Type.Optional(Type.String()),
    alwaysShow: Type.Optional(Type.Boolean()),
    meta: RouterMeta,
    children: Type.Optional(Type.Array(Self)),
  }),
  { $id: 'RouterVo', title: 'RouterVo' },
);
export const RoutersResponse = { 200: Envelope(Type.Array(RouterVo)), 401: ErrorEnvelope };

/** `0` is the root, as in RuoYi. */
const ParentId = Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'parent menu id; "0" for the root' });
const MenuName = Type.String({ minLength: 1, maxLength: 50, pattern: '\\S' });
const OrderNum = Type.Integer({ minimum: 0, maximum: 9999 });
const MenuPath = Type.String({ maxLength: 200, pattern: '^(https?://[^\\s]+|[A-Za-z0-9_/.:-]*)$', description: 'route path, or an http(s) link' });
const Component = Type.Union([Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_/.-]*$' }), Type.Null()]);
const Perms = Type.String({ maxLength: 100, pattern: '^([A-Za-z0-9_*-]+(:[A-Za-z0-9_*-]+){0,4})?$', description: 'permission string such as client:translate; empty for none' });
const MenuTypeSchema = Type.Union(MENU_TYPES.map((t) => Type.Literal(t)), { description: 'M directory, C page, F button' });
const Icon = Type.String({ maxLength: 100, pattern: '^[A-Za-z0-9_#-]*$' });

export const MenuRowSchema = Type.Object({
  menuId: Id,
  parentId: Type.String(),
  menuName: Type.String(),
  orderNum: Type.Integer(),
  path: Type.String(),
  component: Type.Union([Type.String(), Type.Null()]),
  menuType: MenuTypeSchema,
  perms: Type.String(),
  visible: Flag("'0' shown, '1' hidden"),
  status: Flag("'0' enabled, '1' disabled (its permission is then granted to nobody but master)"),
  icon: Type.String(),
});

const menuFields = {
  parentId: ParentId,
  menuName: MenuName,
  orderNum: OrderNum,
  path: MenuPath,
  component: Component,
  menuType: MenuTypeSchema,
  perms: Perms,
  visible: Flag("'0' shown, '1' hidden"),
  status: Flag("'0' enabled, '1' disabled"),
  icon: Icon,
};

export const CreateMenuBody = Type.Object(
  {
    parentId: Type.Optional(menuFields.parentId),
    menuName: menuFields.menuName,
    orderNum: Type.Optional(menuFields.orderNum),
    path: Type.Optional(menuFields.path),
    component: Type.Optional(menuFields.component),
    menuType: menuFields.menuType,
    perms: Type.Optional(menuFields.perms),
    visible: Type.Optional(menuFields.visible),
    status: Type.Optional(menuFields.status),
    icon: Type.Optional(menuFields.icon),
  },
  { additionalProperties: false },
);

export const UpdateMenuBody = Type.Partial(Type.Object(menuFields), { additionalProperties: false, minProperties: 1 });
export const MenuParams = Type.Object({ menuId: Id });
export const RoleParams = Type.Object({ role: RoleName });
export const RoleMenusBody = Type.Object(
  { menuIds: Type.Array(Id, { maxItems: 2000, description: 'the complete set of menus of the role' }) },
  { additionalProperties: false },
);

const RoleRow = Type.Object({ role: RoleName, name: Type.String(), menuIds: Type.Array(Id), permissions: Type.Array(Type.String()) });

export const MenuResponses = {
  list: { 200: Envelope(Type.Array(MenuRowSchema)), ...errorResponses },
  one: { 200: Envelope(MenuRowSchema), ...errorResponses, 409: ErrorEnvelope },
  remove: { 200: Envelope(Type.Object({ menuId: Id })), ...errorResponses, 409: ErrorEnvelope },
  roles: { 200: Envelope(Type.Array(RoleRow)), ...errorResponses },
  role: { 200: Envelope(RoleRow), ...errorResponses },
};
