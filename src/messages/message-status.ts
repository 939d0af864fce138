// Status moves of the seats' replies (sent, delivered, read, failed), from any driver: stored
// first, then pushed as message:updated with the cursor of their own transaction.
import { streamOf } from '../activity/activity.repository.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Store } from '../db/store.js';
import type { Clock } from '../time.js';
import { applyBridgeStatus, type BridgeStatusReport, type BridgeStatusResult, type StatusChange } from './outbound.repository.js';

export interface MessageStatusDeps {
  store: Store;
  io: HubServer;
  clock: Clock;
}

export function createMessageStatus(deps: MessageStatusDeps) {
  function push(change: StatusChange | null) {
    if (!change || change.seatId === null || change.seq === null) return;
    deps.io.to(rooms.seat(change.seatId)).emit('message:updated', {
      msgId: String(change.messageId),
      receId: String(change.targetId),
      status: change.status,
      reason: change.reason,
      cursor: change.cursor,
      ...streamOf(change.seatId, change.seq),
    });
  }

  return {
    push,
    /** A status report from the bridge (signed callback, webhook adapter or sandbox). */
    async apply(report: BridgeStatusReport, webhookId?: string): Promise<BridgeStatusResult> {
      const result = await applyBridgeStatus(deps.store, report, { now: deps.clock.now(), webhookId });
      if (!result.duplicate) push(result.change);
      return result;
    },
  };
}

export type MessageStatus = ReturnType<typeof createMessageStatus>;
