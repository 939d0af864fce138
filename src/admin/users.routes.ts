// /xd/admin/users: master and admin manage everyone they may (see admin-scope.ts), a branch
// manager its own branch's supervisors and seats.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Guard } from '../auth/auth.guard.js';
import { ROLES } from '../db/schema.js';
import { Envelope, Id, Paged, errorResponses, pageOf } from '../http/envelope.schemas.js';
import { ok } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { onlineUsers } from '../realtime/user-sockets.js';
import type { Clock } from '../time.js';
import { adminContext } from './admin-context.js';
import { adminScopeOf } from './admin-scope.js';
import { Keyword, Millis, PageQuery, adminRoute, writeResponses } from './admin.schemas.js';
import type { UsersRepository } from './users.repository.js';
import type { UsersService } from './users.service.js';

export interface UserRoutesDeps {
  users: UsersRepository;
  service: UsersService;
  guard: Guard;
  io: HubServer;
  clock: Clock;
}

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Username = Type.String({ pattern: '^[A-Za-z0-9_.-]{3,32}$', description: '3..32 of A-Z a-z 0-9 _ . -' });
const Password = Type.String({ minLength: 8, maxLength: 128 });
const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' });
const UserParams = Type.Object({ userId: Id });

const UserListRow = Type.Object({
  userId: Id,
  username: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  branchId: Type.Union([Id, Type.Null()]),
  disabled: Type.Boolean(),
  online: Type.Boolean(),
  lastLoginAt: Type.Union([Millis, Type.Null()]),
  createdAt: Millis,
});

export const userRoutes: FastifyPluginAsyncTypebox<UserRoutesDeps> = async (app, deps) => {
  const { users, service, io, clock } = deps;
  const onRequest = deps.guard('master', 'admin', 'branch');

  app.get(
    '/users',
    {
      onRequest,
      schema: {
        ...adminRoute,
        summary: 'Users, newest first (branch manager: its branch’s supervisors and seats)',
        querystring: Type.Object({
          role: Type.Optional(RoleSchema),
          branchId: Type.Optional(Id),
          keyword: Keyword,
          disabled: Type.Optional(Type.Boolean()),
          ...PageQuery,
        }),
        response: { 200: Envelope(Paged(UserListRow)), ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = pageOf(q);
      const scope = adminScopeOf(adminContext(request, clock).actor);
      const { rows, total } = await users.list(scope, {
        role: q.role,
        branchId: q.branchId === undefined ? undefined : Number(q.branchId),
        keyword: q.keyword,
        disabled: q.disabled,
        offset: page.offset,
        limit: page.pageSize,
      });
      const online = await onlineUsers(io, rows.map((r) => r.id));
      return ok({
        rows: rows.map((u) => ({
          userId: String(u.id),
          username: u.username,
          name: u.name,
          role: u.role,
          branchId: u.branchId === null ? null : String(u.branchId),
          disabled: u.disabled,
          online: online.has(u.id),
          lastLoginAt: u.lastLoginAt,
          createdAt: u.createdAt,
        })),
        total,
        pageno: page.pageno,
        pageSize: page.pageSize,
      });
    },
  );

  app.post(
    '/users',
    {
      onRequest,
      schema: {
        ...adminRoute,
        summary: 'Create a user (branch manager: supervisors and seats of its branch)',
        body: Type.Object(
          {
            username: Username,
            name: Name,
            password: Password,
            role: RoleSchema,
            branchId: Type.Optional(Id),
          },
          { additionalProperties: false },
        ),
        response: writeResponses(Type.Object({ userId: Id })),
      },
    },
    async (request) => {
      const body = request.body;
      const userId = await service.create(adminContext(request, clock), {
        username: body.username,
        name: body.name.trim(),
        password: body.password,
        role: body.role,
        branchId: body.branchId === undefined ? undefined : Number(body.branchId),
      });
      return ok({ userId: String(userId) });
    },
  );

  app.put(
    '/users/:userId',
    {
      onRequest,
      schema: {
        ...adminRoute,
        summary: 'Change a user; disabling revokes its tokens and drops its sockets on every instance',
        params: UserParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            role: Type.Optional(RoleSchema),
            branchId: Type.Optional(Type.Union([Id, Type.Null()])),
            disabled: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: writeResponses(Type.Object({ userId: Id })),
      },
    },
    async (request) => {
      const body = request.body;
      const id = Number(request.params.userId);
      await service.update(adminContext(request, clock), id, {
        name: body.name?.trim(),
        role: body.role,
        branchId: body.branchId === undefined ? undefined : body.branchId === null ? null : Number(body.branchId),
        disabled: body.disabled,
      });
      return ok({ userId: String(id) });
    },
  );

  app.put(
    '/users/:userId/password',
    {
      onRequest,
      schema: {
        ...adminRoute,
        summary: "Reset a user's password; revokes its tokens",
        params: UserParams,
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: writeResponses(Type.Object({ userId: Id })),
      },
    },
    async (request) => {
      const id = Number(request.params.userId);
      await service.resetPassword(adminContext(request, clock), id, request.body.password);
      return ok({ userId: String(id) });
    },
  );
};
