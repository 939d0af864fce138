// The management slice the seat console needs: a seat's Telegram link (set by its branch
// manager, read by the seat) and the seat lists of branch managers and supervisors.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Access } from '../access/access.js';
import { currentUser, type Guard } from '../auth/auth.guard.js';
import { Envelope, Id, errorResponses } from '../http/envelope.schemas.js';
import { badRequest, ok } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { dayOf, type Clock } from '../time.js';
import type { ManagementRepository } from './management.repository.js';
import { onlineUsers } from '../realtime/user-sockets.js';

export interface ManagementRoutesDeps {
  management: ManagementRepository;
  access: Access;
  guard: Guard;
  io: HubServer;
  clock: Clock;
  tzName: string;
}

const Link = Type.Union([Type.String({ minLength: 1, maxLength: 512 }), Type.Null()], { description: 'https:// or tg:// link; null or "" clears it' });

const SeatListRow = Type.Object({
  custServId: Id,
  name: Type.String(),
  username: Type.String(),
  online: Type.Boolean(),
  fansToday: Type.Integer(),
  openConversations: Type.Integer({ description: 'owned conversations with unread messages' }),
  telegramLink: Type.Union([Type.String(), Type.Null()]),
});

/** Telegram links the console may open: https pages (t.me) and the app's own tg:// scheme. */
export function isAllowedTelegramLink(link: string): boolean {
  if (/\s/.test(link)) return false;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return url.hostname !== '';
  return url.protocol === 'tg:' && link.length > 'tg://'.length;
}

export const managementRoutes: FastifyPluginAsyncTypebox<ManagementRoutesDeps> = async (app, deps) => {
  const { management, access, io, clock, tzName } = deps;

  async function seatList(request: FastifyRequest) {
    const user = currentUser(request);
    if (user.branchId === null) return ok([]);
    const seats = await management.seatsOfBranch(user.branchId, dayOf(clock.now(), tzName));
    const online = await onlineUsers(io, seats.map((s) => s.id));
    return ok(
      seats.map((s) => ({
        custServId: String(s.id),
        name: s.name,
        username: s.username,
        online: online.has(s.id),
        fansToday: s.fansToday,
        openConversations: s.openConversations,
        telegramLink: s.telegramLink,
      })),
    );
  }

  const listSchema = (tag: string) => ({
    tags: [tag],
    summary: 'Seats of your branch with online state, today’s fans and open conversations',
    security: [{ token: [] }],
    response: { 200: Envelope(Type.Array(SeatListRow)), ...errorResponses },
  });
  app.get('/branch/seats', { onRequest: deps.guard('branch'), schema: listSchema('branch') }, seatList);
  app.get('/supervisor/seats', { onRequest: deps.guard('supervisor'), schema: listSchema('supervisor') }, seatList);

  app.put(
    '/branch/seats/:custServId/telegramLink',
    {
      onRequest: deps.guard('branch'),
      schema: {
        tags: ['branch'],
        summary: 'Set the Telegram link a seat of your branch shows',
        security: [{ token: [] }],
        params: Type.Object({ custServId: Id }),
        body: Type.Object({ link: Link }, { additionalProperties: false }),
        response: { 200: Envelope(Type.Object({ custServId: Id, link: Type.Union([Type.String(), Type.Null()]) })), ...errorResponses },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const seat = await access.seatFor(user, Number(request.params.custServId));
      const link = request.body.link;
      if (link !== null && !isAllowedTelegramLink(link)) throw badRequest('link', 'must be an https:// or tg:// link');
      await management.setTelegramLink(seat.id, link);
      return ok({ custServId: String(seat.id), link });
    },
  );

  app.get(
    '/client/telegramLink',
    {
      onRequest: deps.guard('seat'),
      schema: {
        tags: ['seat console'],
        summary: 'The Telegram link your branch manager set for you',
        security: [{ token: [] }],
        response: { 200: Envelope(Type.Object({ link: Type.Union([Type.String(), Type.Null()]) })), ...errorResponses },
      },
    },
    async (request) => ok({ link: await management.telegramLinkOf(currentUser(request).id) }),
  );
};
