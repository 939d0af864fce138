// `message:send` and `message:read` over the socket; the same service as the REST twins.
import { socketHandler, socketUser } from '../realtime/socket-handler.js';
import type { SocketFeature } from '../realtime/socket-server.js';
import type { Messaging } from './messaging.service.js';
import { ReadInput, SendInput } from './messages.schemas.js';

export function createMessagesFeature(deps: { messaging: Messaging; onError?: (error: unknown) => void }): SocketFeature {
  const send = socketHandler(SendInput, (input, socket) => deps.messaging.send(socketUser(socket), input), deps.onError);
  const read = socketHandler(ReadInput, (input, socket) => deps.messaging.update(socketUser(socket), { receId: input.receId, action: 'read' }), deps.onError);
  return (socket) => {
    socket.on('message:send', send(socket));
    socket.on('message:read', read(socket));
  };
}
