// The stored message row an inbound item answers with, built from what was stored (both engines
// insert exactly these values), so neither engine reads the row back.
import type { messages } from '../db/schema.js';
import type { BridgeMessage } from './inbound.types.js';

export interface StoredIds {
  id: number;
  accountId: number;
  targetId: number;
  cursor: number;
  createdAt: number;
}

export function storedMessageRow(input: BridgeMessage, ids: StoredIds): typeof messages.$inferSelect {
  const inbound = input.direction === 'in';
  return {
    ...ids,
    bridgeMsgId: input.msgId,
    sender: inbound ? 1 : 0,
    contentType: input.contentType,
    content: input.content,
    thumb: input.thumb ?? null,
    mediaRef: input.mediaRef ?? null,
    sendTime: input.sendTime,
    status: inbound ? 'received' : 'sent',
    statusReason: null,
    readState: inbound ? 0 : 1,
    sentBySeatId: null,
    clientMsgId: null,
  };
}
