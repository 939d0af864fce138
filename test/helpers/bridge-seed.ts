// Seeds messages the way the bridge reports them: signed POST /xd/protocol/messageCallback.
// Every read-API test stores its data through here, so the whole inbound path is exercised.
import type { BridgeMessage } from '../../src/messages/inbound.repository.js';
import { postCallback } from './bridge.js';
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
    const { status, body } = await postCallback(t, 'messageCallback', message);
    if (status !== 200) throw new Error(`messageCallback answered ${status}: ${JSON.stringify(body)}`);
    out.push({ msgId: body.data.msgId, receId: body.data.receId, duplicate: body.data.duplicate });
  }
  return out;
}
