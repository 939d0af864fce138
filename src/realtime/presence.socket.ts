// `seat:presence` to the seat's branch when its first socket connects or its last one goes,
// counted across instances (fetchSockets goes through the adapter). If Redis is down the count
// falls back to this instance's sockets: presence is a hint, the database is not involved.
import type { HubServer, HubSocket } from './events.js';
import { rooms } from './rooms.js';
import type { SocketFeature } from './socket-server.js';

export interface PresenceDeps {
  io: HubServer;
  latestCursor: () => number;
  onError?: (error: unknown) => void;
}

export function createPresenceFeature(deps: PresenceDeps): SocketFeature {
  const { io } = deps;
  async function socketsOf(userId: number): Promise<number> {
    try {
      return (await io.in(rooms.user(userId)).fetchSockets()).length;
    } catch {
      return (await io.local.in(rooms.user(userId)).fetchSockets()).length;
    }
  }

  // Two sockets closing together both count zero; announce each change once per instance.
  const announced = new Map<number, boolean>();
  function announce(socket: HubSocket, online: boolean) {
    const { userId, branchId } = socket.data;
    if (branchId === null || announced.get(userId) === online) return;
    if (online) announced.set(userId, true);
    else announced.delete(userId);
    io.to(rooms.branch(branchId)).emit('seat:presence', { custServId: String(userId), online, cursor: deps.latestCursor() });
  }

  return (socket) => {
    if (socket.data.role !== 'seat') return;
    const userId = socket.data.userId;
    void socketsOf(userId)
      .then((n) => {
        // Only this socket: the seat just came online.
        if (n === 1 && socket.connected) announce(socket, true);
      })
      .catch(deps.onError);
    socket.on('disconnect', () => {
      void socketsOf(userId)
        .then((n) => {
          if (n === 0 && announced.has(userId)) announce(socket, false);
        })
        .catch(deps.onError);
    });
  };
}
