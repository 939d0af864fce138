// A socket lives no longer than its token. It is closed when the token expires (a timer set at
// connection), and every client event first re-checks the token, so an event on a socket whose
// token was revoked, or whose user was disabled, is refused with 401 and the socket closed even
// before the revocation reaches this instance.
import { unauthorized } from '../http/errors.js';
import type { Clock } from '../time.js';
import type { HubSocket } from './hub-server.js';
import type { SocketFeature } from './socket-server.js';
import { ackFailure } from './socket-handler.js';

export interface SessionCheck {
  /** True while the token is neither revoked nor expired and its user is not disabled. */
  isTokenLive(tokenId: number, now: number): Promise<boolean>;
}

/** setTimeout's longest delay (about 24.8 days); longer lifetimes re-arm on the way. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createSessionFeature(deps: { sessions: SessionCheck; clock: Clock }): SocketFeature {
  const { sessions, clock } = deps;

  const armExpiry = (socket: HubSocket): void => {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const left = socket.data.expiresAt - clock.now();
      if (left <= 0) {
        socket.disconnect(true);
        return;
      }
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      timer.unref();
    };
    arm();
    socket.once('disconnect', () => clearTimeout(timer));
  };

  return (socket) => {
    armExpiry(socket);
    // The check is a database read: chained per socket, so that events still reach their
    // handlers in the order the client sent them. A failed read fails closed (the socket
    // reconnects and its handshake checks the token again).
    let checked: Promise<void> = Promise.resolve();
    socket.use((packet, next) => {
      checked = checked.then(async () => {
        const now = clock.now();
        const live = socket.data.expiresAt > now && (await sessions.isTokenLive(socket.data.tokenId, now).catch(() => false));
        if (live) {
          next();
          return;
        }
        const ack = packet[packet.length - 1];
        if (typeof ack === 'function') ack(ackFailure(unauthorized('token: invalid, expired or revoked')));
        socket.disconnect(true);
      });
    });
  };
}
