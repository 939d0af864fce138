// Seeds messages as the bridge reports them. Every read-API test stores its data through here,
// so the path can move to signed HTTP callbacks without touching the tests.
import { storeBridgeMessage, type BridgeMessage } from '../../src/messages/inbound.repository.js';
import type { TestHub } from './hub.js';

export type { BridgeMessage };

export interface SeededMessage {
  msgId: string;
  receId: string;
  duplicate: boolean;
}

export async function seedBridgeMessages(t: TestHub, messages: BridgeMessage[]): Promise<SeededMessage[]> {
  const out: SeededMessage[] = [];
  for (const message of messages) {
    const stored = storeBridgeMessage(t.hub.database.db, message, { tzName: t.hub.config.tzName, now: Date.now() });
    out.push(
      stored.duplicate
        ? { msgId: String(stored.messageId), receId: String(stored.targetId), duplicate: true }
        : { msgId: String(stored.messageId), receId: String(stored.target.id), duplicate: false },
    );
  }
  return out;
}
