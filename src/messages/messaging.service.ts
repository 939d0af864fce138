// Sending, status moves, read state and recall: each stores first, then pushes with the cursor
// of its own transaction. Sends go to the bridge after the ack, with bounded retries.
import type { Static } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Access } from '../access/access.js';
import type { AuthUser } from '../auth/auth.repository.js';
import { BridgeError, type BridgeClient } from '../bridge/bridge-client.js';
import type { Db } from '../db/open.js';
import { badRequest, forbidden } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import type { DashboardChangeListener } from '../dashboard/changes.js';
import type { SendInput, UpdateInput } from './messages.schemas.js';
import {
  applyBridgeStatus,
  createPendingMessage,
  markAccepted,
  markFailed,
  sendRequestOf,
  failStalePending,
  type BridgeStatusReport,
  type BridgeStatusResult,
  type StatusChange,
} from './outbound.repository.js';
import { toPushedMessage } from './payloads.js';
import { updateMessages } from './read.repository.js';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

// Far beyond the last retry (attempts × the bridge client's timeout plus backoff).
const STALE_PENDING_MS = 2 * 60_000;

export interface MessagingDeps {
  db: Db;
  io: HubServer;
  access: Access;
  clock: Clock;
  tzName: string;
  log?: FastifyBaseLogger;
  /** Set once the bridge exists (the sandbox needs the status path before it is built). */
  bridge?: BridgeClient;
  retry?: RetryPolicy;
  /** Told after a stored reply changed a branch's dashboard figures. */
  onDashboardChange?: DashboardChangeListener;
}

export function createMessaging(deps: MessagingDeps) {
  const { db, io, access, clock } = deps;
  const retry = deps.retry ?? { attempts: 4, baseDelayMs: 250 };
  let bridge = deps.bridge;
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function pushChange(change: StatusChange | null) {
    if (!change || change.seatId === null) return;
    io.to(rooms.seat(change.seatId)).emit('message:updated', {
      msgId: String(change.messageId),
      receId: String(change.targetId),
      status: change.status,
      reason: change.reason,
      cursor: change.cursor,
    });
  }

  /** The conversation of `receId`, which only its owning seat may write to. */
  function ownConversation(user: AuthUser, receId: string) {
    const row = access.targetFor(user, Number(receId));
    if (row.conversation.seatId !== user.id) throw forbidden('receId: only the seat that owns this conversation may do this');
    return row;
  }

  async function deliver(messageId: number) {
    const stored = sendRequestOf(db, messageId);
    // Recalled before it went out: nothing to send.
    if (!stored || stored.status !== 'pending') return;
    const request = { phone: stored.phone, to: stored.to, contentType: stored.contentType, content: stored.content, clientMsgId: stored.clientMsgId ?? String(messageId) };
    let reason = 'not sent';
    for (let attempt = 1; attempt <= retry.attempts && !closed; attempt++) {
      if (!bridge) {
        reason = 'no bridge configured';
        break;
      }
      try {
        const { msgId } = await bridge.send(request);
        pushChange(markAccepted(db, messageId, msgId, clock.now()));
        return;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
        const retryable = !(error instanceof BridgeError) || error.retryable;
        deps.log?.warn({ messageId, attempt, reason }, 'bridge send failed');
        if (!retryable) break;
        if (attempt < retry.attempts) await wait(retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
    if (closed) return; // stays pending; nothing is reported as failed because we stopped
    pushChange(markFailed(db, messageId, reason.slice(0, 500), clock.now()));
  }

  function sweepStalePending() {
    try {
      const now = clock.now();
      for (const change of failStalePending(db, now - STALE_PENDING_MS, 'not handed to the bridge before the hub stopped', now)) pushChange(change);
    } catch (error) {
      deps.log?.warn({ err: error }, 'stale pending sweep failed');
    }
  }
  sweepStalePending();
  const sweeper = setInterval(sweepStalePending, 60_000);
  sweeper.unref();

  return {
    setBridge(client: BridgeClient) {
      bridge = client;
    },

    async send(user: AuthUser, input: Static<typeof SendInput>): Promise<{ msgId: string; status: string }> {
      if (user.role !== 'seat') throw forbidden(`role ${user.role} may not send messages`);
      const { target, account } = ownConversation(user, input.receId);
      // Someone else's account is refused as such, not reported as a mismatch that confirms it exists.
      if (String(account.id) !== input.accountId) access.accountFor(user, Number(input.accountId));
      if (String(account.id) !== input.accountId) throw badRequest('receId', 'is not a target of accountId');
      const result = createPendingMessage(db, {
        seatId: user.id,
        accountId: account.id,
        targetId: target.id,
        contentType: input.contentType,
        content: input.content,
        clientMsgId: input.clientMsgId,
        now: clock.now(),
        tzName: deps.tzName,
      });
      if (!result.created) return { msgId: String(result.message.id), status: result.message.status };
      // The seat's other tabs (and its watchers) see the reply at once.
      io.to(rooms.seat(user.id)).emit('message:new', {
        accountId: String(account.id),
        receId: String(target.id),
        receName: target.name,
        convType: target.convType,
        message: toPushedMessage(result.message, deps.tzName),
        cursor: result.cursor,
      });
      deps.onDashboardChange?.(result.branchId, result.day, result.cursor);
      void deliver(result.message.id).catch((error) => deps.log?.error({ err: error }, 'delivery crashed'));
      return { msgId: String(result.message.id), status: 'pending' };
    },

    /** A status report from the bridge (signed callback or sandbox). */
    applyStatus(report: BridgeStatusReport, webhookId?: string): BridgeStatusResult {
      const result = applyBridgeStatus(db, report, { now: clock.now(), webhookId });
      if (!result.duplicate) pushChange(result.change);
      return result;
    },

    /** Read (or unread) inbound messages, or recall the seat's own replies. */
    update(user: AuthUser, input: Static<typeof UpdateInput>): { updated: number } {
      const { target } = ownConversation(user, input.receId);
      const action = input.action ?? 'read';
      if (action === 'recall' && input.msgIds === undefined) throw badRequest('msgIds', 'is required to recall');
      const result = updateMessages(db, {
        seatId: user.id,
        targetId: target.id,
        action,
        msgIds: input.msgIds?.map(Number),
        readState: input.contReadState === '0' ? 0 : 1,
        now: clock.now(),
      });
      if (result.cursor !== null) {
        const room = io.to(rooms.seat(user.id));
        for (const m of result.updated) {
          room.emit('message:updated', {
            msgId: String(m.id),
            receId: String(target.id),
            ...(m.status ? { status: m.status } : {}),
            ...(m.readState === undefined ? {} : { contReadState: m.readState === 1 ? ('1' as const) : ('0' as const) }),
            cursor: result.cursor,
          });
        }
      }
      return { updated: result.updated.length };
    },

    close() {
      closed = true;
      clearInterval(sweeper);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type Messaging = ReturnType<typeof createMessaging>;
