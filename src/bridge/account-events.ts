// Account login state as any driver reports it: the status is stored (with its cursor) and
// pushed as account:status; a login QR is a hint, pushed as account:qr and never stored.
import { streamOf } from '../activity/activity.repository.js';
import type { AccountStatus } from '../db/schema.js';
import type { LoginQr } from '../messages/bridge-port.js';
import type { AccountStatusPayload } from '../realtime/events.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import type { BridgeRepository, PhoneStatusResult } from './bridge.repository.js';

export interface AccountRooms {
  id: number;
  seatId: number | null;
  branchId: number | null;
}

const roomsOf = (account: { seatId: number | null; branchId: number | null }) => {
  const to: string[] = [];
  if (account.seatId !== null) to.push(rooms.seat(account.seatId));
  if (account.branchId !== null) to.push(rooms.branch(account.branchId));
  return to;
};

export interface AccountEventsDeps {
  repository: BridgeRepository;
  io: HubServer;
  clock: Clock;
  /** Told after a stored status change (the dashboard's accounts-online figure moved). */
  onStatusChanged?: (branchId: number | null, cursor: number) => void;
}

export function createAccountEvents(deps: AccountEventsDeps) {
  return {
    /** Resolves once the status committed: the bridge is answered after it, the push follows it. */
    async applyStatus(report: { phone: string; status: AccountStatus; reason?: string }, webhookId?: string): Promise<PhoneStatusResult> {
      const result = await deps.repository.applyPhoneStatus(report, { now: deps.clock.now(), webhookId });
      const change = result.duplicate ? null : result.change;
      if (change) {
        const to = roomsOf(change);
        const payload: AccountStatusPayload = { accountId: String(change.accountId), phone: change.phone, status: change.status, reason: change.reason, cursor: change.cursor };
        if (change.seatId !== null && change.seq !== null) Object.assign(payload, streamOf(change.seatId, change.seq));
        if (to.length > 0) deps.io.to(to).emit('account:status', payload);
        deps.onStatusChanged?.(change.branchId, change.cursor);
      }
      return result;
    },

    async pushQr(account: AccountRooms, qr: LoginQr): Promise<void> {
      const to = roomsOf(account);
      if (to.length === 0) return;
      const cursor = await deps.repository.latestCursor();
      deps.io.to(to).emit('account:qr', { accountId: String(account.id), qr: qr.qr, expiresAt: qr.expiresAt, cursor });
    },
  };
}

export type AccountEvents = ReturnType<typeof createAccountEvents>;
