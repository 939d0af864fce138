// What an inbound item stores in its message row, and the row it answers with, built from those
// values (both engines insert exactly them), so neither engine reads the row back.
import type { messages } from '../db/schema.js';
import type { BridgeMessage } from './inbound.types.js';

export interface StoredIds {
  id: number;
  accountId: number;
  targetId: number;
  cursor: number;
  createdAt: number;
}

/** The message row's values that come from the bridge's message. */
export function inboundValues(input: BridgeMessage) {
  const inbound = input.direction === 'in';
  return {
    bridgeMsgId: input.msgId,
    sender: inbound ? 1 : 0,
    contentType: input.contentType,
    content: input.content,
    thumb: input.thumb ?? null,
    mediaRef: input.mediaRef ?? null,
    sendTime: input.sendTime,
    status: inbound ? ('received' as const) : ('sent' as const),
    readState: inbound ? 0 : 1,
  };
}

export function storedMessageRow(input: BridgeMessage, ids: StoredIds): typeof messages.$inferSelect {
  return { ...ids, ...inboundValues(input), statusReason: null, sentBySeatId: null, clientMsgId: null };
}
