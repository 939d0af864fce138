// The Socket.IO server: origin allow-list, token auth at the handshake, rooms joined by the
// server before the client sees `connect`, and the feature handlers attached per socket.
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import type { AuthRepository } from '../auth/auth.repository.js';
import type { Clock } from '../time.js';
import type { HubServer, HubSocket } from './hub-server.js';
import { rooms } from './rooms.js';

export interface SocketServerOptions {
  httpServer: HttpServer;
  authRepository: AuthRepository;
  clock: Clock;
  allowedOrigins: string[];
}

/** A feature's socket handlers, attached to each authenticated socket. */
export type SocketFeature = (socket: HubSocket) => void;

function handshakeToken(socket: HubSocket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string') return fromAuth;
  const header = socket.handshake.headers.token;
  return typeof header === 'string' ? header : undefined;
}

/** The page was served by this hub: its Origin names the host the request was sent to. */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function createSocketServer(options: SocketServerOptions): HubServer {
  const { allowedOrigins } = options;
  const io: HubServer = new Server(options.httpServer, {
    // Chat payloads are small; a large frame is a mistake or an attack.
    maxHttpBufferSize: 64 * 1024,
    cors: { origin: allowedOrigins, credentials: true },
    allowRequest: (req: IncomingMessage, callback) => {
      const origin = req.headers.origin;
      // Non-browser clients send no Origin; the console served by this hub is always welcome;
      // other browser origins must come from the allow-list.
      callback(null, origin === undefined || isSameOrigin(origin, req.headers.host) || allowedOrigins.includes(origin));
    },
  });

  io.use(async (socket, next) => {
    const token = handshakeToken(socket);
    // A failed lookup (database unreachable) refuses this handshake; the client retries.
    const user = token ? await options.authRepository.resolveToken(token, options.clock.now()).catch(() => null) : undefined;
    if (user === null) {
      next(Object.assign(new Error('unavailable'), { data: { code: 503, msg: 'token: could not be checked, retry' } }));
      return;
    }
    if (!user) {
      next(Object.assign(new Error('unauthorized'), { data: { code: 401, msg: 'token: invalid, expired or revoked' } }));
      return;
    }
    socket.data = { userId: user.id, role: user.role, branchId: user.branchId, tokenId: user.tokenId, expiresAt: user.expiresAt };
    const joined = [rooms.user(user.id), rooms.token(user.tokenId)];
    if (user.role === 'seat') joined.push(rooms.seat(user.id));
    if ((user.role === 'branch' || user.role === 'supervisor') && user.branchId !== null) {
      joined.push(rooms.branch(user.branchId));
    }
    if (user.role === 'master' || user.role === 'admin') joined.push(rooms.org);
    void socket.join(joined);
    next();
  });

  return io;
}

export function attachSocketFeatures(io: HubServer, features: SocketFeature[]): void {
  io.on('connection', (socket) => {
    for (const attach of features) attach(socket);
  });
}
