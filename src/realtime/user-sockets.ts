// The sockets users hold, on every instance. Through the Redis adapter this asks the other
// instances; when Redis is down or an instance stays silent it answers with this instance's own
// sockets, within a bound, rather than failing or hanging the request that asked.
import type { HubServer } from './hub-server.js';
import { rooms } from './rooms.js';

/** The adapter's own timeout does not cover a Redis that queues commands while it is down. */
const LOOKUP_TIMEOUT_MS = 2000;

export async function fetchUserSockets(io: HubServer, userIds: number[], timeoutMs = LOOKUP_TIMEOUT_MS) {
  // `user:<id>` rooms, not `seat:<id>`: supervisors watching a seat join its seat room.
  const userRooms = userIds.map((id) => rooms.user(id));
  let timer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('socket lookup timed out')), timeoutMs);
  });
  try {
    return await Promise.race([io.in(userRooms).fetchSockets(), tooSlow]);
  } catch {
    return io.local.in(userRooms).fetchSockets();
  } finally {
    clearTimeout(timer);
  }
}

/** The ids among `userIds` with at least one connected socket on this instance. */
export function locallyOnlineUsers(io: HubServer, userIds: number[]): Set<number> {
  const held = io.of('/').adapter.rooms;
  return new Set(userIds.filter((id) => (held.get(rooms.user(id))?.size ?? 0) > 0));
}

/** The ids among `userIds` with at least one connected socket on any instance. */
export async function onlineUsers(io: HubServer, userIds: number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const sockets = await fetchUserSockets(io, userIds);
  return new Set(sockets.map((s) => s.data.userId));
}
