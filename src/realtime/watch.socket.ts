// `watch` / `unwatch`: a supervisor, branch manager or master joins a seat's room to see its
// traffic live. Watching only adds a room; it never touches read state.
import { Type } from '@sinclair/typebox';
import type { Access } from '../access/access.js';
import { forbidden } from '../http/errors.js';
import { Id } from '../http/envelope.schemas.js';
import type { HubSocket } from './hub-server.js';
import { rooms } from './rooms.js';
import type { SocketFeature } from './socket-server.js';
import { socketHandler, socketUser } from './socket-handler.js';

const WATCHER_ROLES = new Set(['supervisor', 'branch', 'master']);
const WatchInput = Type.Object({ custServId: Id });

export function createWatchFeature(deps: { access: Access; onError?: (error: unknown) => void }): SocketFeature {
  const watch = socketHandler(
    WatchInput,
    async ({ custServId }, socket: HubSocket) => {
      const user = socketUser(socket);
      if (!WATCHER_ROLES.has(user.role)) throw forbidden(`role ${user.role} may not watch seats`);
      const seat = await deps.access.seatFor(user, Number(custServId));
      await socket.join(rooms.seat(seat.id));
      return { watching: String(seat.id) };
    },
    deps.onError,
  );
  const unwatch = socketHandler(
    WatchInput,
    async ({ custServId }, socket: HubSocket) => {
      // A seat's own room is never left: only rooms joined by watching can be.
      if (socket.data.role !== 'seat') await socket.leave(rooms.seat(custServId));
      return { watching: custServId };
    },
    deps.onError,
  );
  return (socket) => {
    socket.on('watch', watch(socket));
    socket.on('unwatch', unwatch(socket));
  };
}
