// Inbound path: store the bridge's message (one transaction), then push it to the owning seat's
// room. The push happens only after the commit, and never waits on anything remote: with the
// Redis adapter the publish is fire-and-forget, and a seat that misses it catches up by cursor.
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/open.js';
import type { HubServer } from '../realtime/events.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import { storeBridgeMessage, type BridgeMessage, type DuplicateMessage, type StoredMessage } from './inbound.repository.js';
import { toPushedMessage } from './payloads.js';

export type NewFanListener = (seatId: number, day: string, cursor: number) => void;

export interface IngestDeps {
  db: Db;
  io: HubServer;
  clock: Clock;
  tzName: string;
  log?: FastifyBaseLogger;
  /** Told about each first-seen target after its commit (the fans feature pushes the new count). */
  onNewFan?: NewFanListener;
}

export type InboundIngest = (message: BridgeMessage, webhookId?: string) => StoredMessage | DuplicateMessage;

export function createInboundIngest(deps: IngestDeps): InboundIngest {
  return function ingestInboundMessage(message, webhookId) {
    const result = storeBridgeMessage(deps.db, message, { tzName: deps.tzName, now: deps.clock.now(), webhookId });
    if (result.duplicate) return result;
    if (result.seatId !== null) {
      deps.io.to(rooms.seat(result.seatId)).emit('message:new', {
        accountId: String(result.accountId),
        receId: String(result.target.id),
        receName: result.target.name,
        convType: result.target.convType,
        message: toPushedMessage(result.message, deps.tzName),
        cursor: result.cursor,
      });
    }
    if (result.newFan && deps.onNewFan) {
      try {
        deps.onNewFan(result.newFan.seatId, result.newFan.day, result.cursor);
      } catch (error) {
        // The message is stored and answered; a listener's failure must not turn that into a 500.
        deps.log?.error({ err: error }, 'new-fan listener failed');
      }
    }
    return result;
  };
}
