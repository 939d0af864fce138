// A seat's sends and its read/recall updates. Sending stores the reply pending and hands it to
// the delivery worker; status moves from the bridge live in message-status.ts.
import type { Static } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Access } from '../access/access.js';
import { streamOf } from '../activity/activity.repository.js';
import type { AuthUser } from '../auth/auth.repository.js';
import type { Store } from '../db/store.js';
import { badRequest, forbidden } from '../http/errors.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import type { Clock } from '../time.js';
import type { DashboardChangeListener } from '../dashboard/changes.js';
import type { SendInput, UpdateInput } from './messages.schemas.js';
import { createPendingMessage } from './outbound.repository.js';
import { toPushedMessage } from './payloads.js';
import { updateMessages } from './read.repository.js';

export interface MessagingDeps {
  store: Store;
  io: HubServer;
  access: Access;
  clock: Clock;
  tzName: string;
  log?: FastifyBaseLogger;
  /** Takes each new pending reply to the bridge. */
  delivery: { enqueue(messageId: number): void };
  /** Told after a stored reply changed a branch's dashboard figures. */
  onDashboardChange?: DashboardChangeListener;
}

export function createMessaging(deps: MessagingDeps) {
  const { store, io, access, clock } = deps;

  /** The conversation of `receId`, which only its owning seat may write to. */
  async function ownConversation(user: AuthUser, receId: string) {
    const row = await access.targetFor(user, Number(receId));
    if (row.conversation.seatId !== user.id) throw forbidden('receId: only the seat that owns this conversation may do this');
    return row;
  }

  return {
    async send(user: AuthUser, input: Static<typeof SendInput>): Promise<{ msgId: string; status: string }> {
      if (user.role !== 'seat') throw forbidden(`role ${user.role} may not send messages`);
      const { target, account } = await ownConversation(user, input.receId);
      // Someone else's account is refused as such, not reported as a mismatch that confirms it exists.
      if (String(account.id) !== input.accountId) await access.accountFor(user, Number(input.accountId));
      if (String(account.id) !== input.accountId) throw badRequest('receId', 'is not a target of accountId');
      const result = await createPendingMessage(store, {
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
        ...streamOf(user.id, result.seq),
      });
      deps.onDashboardChange?.(result.branchId, result.day, result.cursor);
      deps.delivery.enqueue(result.message.id);
      return { msgId: String(result.message.id), status: 'pending' };
    },

    /** Read (or unread) inbound messages, or recall the seat's own replies. */
    async update(user: AuthUser, input: Static<typeof UpdateInput>): Promise<{ updated: number }> {
      const { target } = await ownConversation(user, input.receId);
      const action = input.action ?? 'read';
      if (action === 'recall' && input.msgIds === undefined) throw badRequest('msgIds', 'is required to recall');
      const result = await updateMessages(store, {
        seatId: user.id,
        targetId: target.id,
        action,
        msgIds: input.msgIds?.map(Number),
        readState: input.contReadState === '0' ? 0 : 1,
        now: clock.now(),
      });
      if (result.cursor !== null) {
        const room = io.to(rooms.seat(user.id));
        // The change took one number per message, ending at result.seq.
        let seq = result.seq - result.updated.length;
        for (const m of result.updated) {
          seq += 1;
          room.emit('message:updated', {
            msgId: String(m.id),
            receId: String(target.id),
            ...(m.status ? { status: m.status } : {}),
            ...(m.readState === undefined ? {} : { contReadState: m.readState === 1 ? ('1' as const) : ('0' as const) }),
            cursor: result.cursor,
            ...streamOf(user.id, seq),
          });
        }
      }
      return { updated: result.updated.length };
    },
  };
}

export type Messaging = ReturnType<typeof createMessaging>;
