// Administration over one store, without the rest of the hub: the /xd/admin plugin on a bare
// Fastify with the hub's error envelope, a guard that takes the acting user from an `as`
// header, and a socket server stand-in that records what would have been pushed.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { adminRoutes } from '../../src/admin/admin.routes.js';
import type { Guard } from '../../src/auth/auth.guard.js';
import type { Role } from '../../src/db/schema.js';
import type { Store } from '../../src/db/store.js';
import { ErrorCodeSchema } from '../../src/http/envelope.schemas.js';
import { installErrorHandling } from '../../src/http/error-handler.js';
import { forbidden, unauthorized } from '../../src/http/errors.js';
import type { HubServer } from '../../src/realtime/hub-server.js';

export interface Push {
  rooms: string[];
  event: string;
  payload: unknown;
}

/** What the services would have told sockets: pushes by room and dropped users' rooms. */
export function recordingIo() {
  const pushes: Push[] = [];
  const dropped: string[] = [];
  const io = {
    to: (rooms: string | string[]) => ({ emit: (event: string, payload: unknown) => pushes.push({ rooms: [rooms].flat(), event, payload }) }),
    in: (room: string | string[]) => ({
      disconnectSockets: () => dropped.push(...[room].flat()),
      fetchSockets: async () => [],
    }),
    local: { in: () => ({ fetchSockets: async () => [] }) },
  } as unknown as HubServer;
  return { io, pushes, dropped };
}

/** The guard of a test: the user named by the `as` header, as the real guard would resolve it. */
function headerGuard(store: Store): Guard {
  return (...roles: Role[]) =>
    async function asHeader(request: FastifyRequest) {
      const username = request.headers.as;
      if (typeof username !== 'string') throw unauthorized();
      const { users } = store.tables;
      const [user] = await store.db.select().from(users).where(eq(users.username, username));
      if (!user) throw unauthorized();
      if (roles.length > 0 && !roles.includes(user.role)) throw forbidden(`role ${user.role} may not do this`);
      request.user = { id: user.id, username: user.username, name: user.name, role: user.role, branchId: user.branchId, tokenId: 0 };
    };
}

export async function adminApp(store: Store, now = () => 1_700_000_000_000): Promise<{ app: FastifyInstance; pushes: Push[]; dropped: string[] }> {
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandling(app);
  app.addSchema(ErrorCodeSchema);
  const { io, pushes, dropped } = recordingIo();
  await app.register(adminRoutes, { prefix: '/xd/admin', store, io, guard: headerGuard(store), clock: { now } });
  await app.ready();
  return { app, pushes, dropped };
}

export interface Organisation {
  north: number;
  south: number;
  users: Record<'master' | 'admin' | 'mgr' | 'mgr2' | 'super1' | 'seat1' | 'seat2' | 'seat3', number>;
  /** +8610000000001, north, held by seat1, with two targets: one seat1's, one nobody's. */
  account: number;
  targets: [number, number];
}

const ROLE_OF = { master: 'master', admin: 'admin', mgr: 'branch', mgr2: 'branch', super1: 'supervisor', seat1: 'seat', seat2: 'seat', seat3: 'seat' } as const;

/** Two branches, their people, and one assigned account with two conversations. */
export async function seedOrganisation(store: Store): Promise<Organisation> {
  const { accounts, branches, conversations, targets, users } = store.tables;
  const db = store.db;
  const [north] = await db.insert(branches).values({ name: 'North' }).returning({ id: branches.id });
  const [south] = await db.insert(branches).values({ name: 'South' }).returning({ id: branches.id });
  const ids = {} as Organisation['users'];
  for (const [username, role] of Object.entries(ROLE_OF) as [keyof typeof ROLE_OF, Role][]) {
    const branchId = role === 'master' || role === 'admin' ? null : username === 'mgr2' || username === 'seat3' ? south!.id : north!.id;
    const [row] = await db.insert(users).values({ username, name: `${username} Name`, passwordHash: 'x', role, branchId }).returning({ id: users.id });
    ids[username] = row!.id;
  }
  const [account] = await db.insert(accounts).values({ phone: '+8610000000001', branchId: north!.id, seatId: ids.seat1 }).returning({ id: accounts.id });
  const targetIds: number[] = [];
  for (const [uid, seatId] of [['u1', ids.seat1], ['u2', null]] as const) {
    const [target] = await db.insert(targets).values({ accountId: account!.id, platformUid: uid }).returning({ id: targets.id });
    await db.insert(conversations).values({ targetId: target!.id, accountId: account!.id, seatId });
    targetIds.push(target!.id);
  }
  return { north: north!.id, south: south!.id, users: ids, account: account!.id, targets: targetIds as [number, number] };
}
