// Every instance reads from the database, each `intervalMs`, which tokens were revoked since its
// last look and which users are disabled, and closes its own sockets of them. The logout
// broadcast through Redis is only the fast path: a partition cannot keep a revoked socket alive.
import type { FastifyBaseLogger } from 'fastify';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';

export interface RevocationSource {
  revokedTokenIdsSince(since: number): Promise<number[]>;
  disabledUserIds(): Promise<number[]>;
}

/** Looks back this far past the last look: a revocation is stamped before its transaction commits. */
const OVERLAP_MS = 5000;

export function startSessionWatch(deps: {
  io: HubServer;
  sessions: RevocationSource;
  clock: Clock;
  intervalMs: number;
  log: FastifyBaseLogger;
}): () => void {
  const { io, sessions, clock } = deps;
  let lastLook = clock.now();
  const localRooms = () => io.of('/').adapter.rooms;

  // One look at a time: a slow database must not pile up overlapping looks.
  let looking = false;
  const look = async () => {
    if (looking) return;
    looking = true;
    const now = clock.now();
    try {
      const [revoked, disabled] = await Promise.all([sessions.revokedTokenIdsSince(lastLook - OVERLAP_MS), sessions.disabledUserIds()]);
      for (const tokenId of revoked) {
        const room = rooms.token(tokenId);
        if (localRooms().has(room)) io.local.in(room).disconnectSockets(true);
      }
      for (const userId of disabled) {
        const room = rooms.user(userId);
        if (localRooms().has(room)) io.local.in(room).disconnectSockets(true);
      }
      lastLook = now;
    } catch (err) {
      // A busy or briefly locked database: the next look covers this one's window too.
      deps.log.warn({ err }, 'session check failed; retrying at the next interval');
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look(), deps.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
