// `seat:presence` to the seat's branch when its first socket connects or its last one goes,
// counted across instances (fetchSockets goes through the adapter). If Redis is down the count
// falls back to this instance's sockets: presence is a hint, the database is not involved.
//
// Online: announced by the seat's earliest connected socket only, so two tabs opening at once
// (even on two instances) announce once. Offline: announced when no socket is left; two tabs
// closing together on one instance announce once.
//
// A hint only: no cursor and no seq (a hub-wide cursor here would hand a client a resume point
// past events still in flight to it).
import type { HubServer, HubSocket } from './hub-server.js';
import { rooms } from './rooms.js';
import type { SocketFeature } from './socket-server.js';
import { fetchUserSockets } from './user-sockets.js';

export interface PresenceDeps {
  io: HubServer;
  /** Told when a seat of `branchId` came online or went offline (the dashboard's seats online). */
  onPresenceChanged?: (branchId: number) => void;
  onError?: (error: unknown) => void;
}

interface SocketStamp {
  id: string;
  handshake: { issued: number };
}

const earlier = (a: SocketStamp, b: SocketStamp) => a.handshake.issued < b.handshake.issued || (a.handshake.issued === b.handshake.issued && a.id < b.id);

export function createPresenceFeature(deps: PresenceDeps): SocketFeature {
  const { io } = deps;
  const offlineAnnounced = new Set<number>();

  const socketsOf = (userId: number): Promise<SocketStamp[]> => fetchUserSockets(io, [userId]);

  function announce(socket: HubSocket, online: boolean) {
    const { userId, branchId } = socket.data;
    if (branchId === null) return;
    io.to(rooms.branch(branchId)).emit('seat:presence', { custServId: String(userId), online });
    deps.onPresenceChanged?.(branchId);
  }

  return (socket) => {
    if (socket.data.role !== 'seat') return;
    const userId = socket.data.userId;
    offlineAnnounced.delete(userId);
    void socketsOf(userId)
      .then((sockets) => {
        const first = sockets.every((other) => other.id === socket.id || earlier(socket, other));
        if (first && socket.connected) announce(socket, true);
      })
      .catch(deps.onError);
    socket.on('disconnect', () => {
      void socketsOf(userId)
        .then((sockets) => {
          if (sockets.length > 0 || offlineAnnounced.has(userId)) return;
          offlineAnnounced.add(userId);
          announce(socket, false);
        })
        .catch(deps.onError);
    });
  };
}
