// One bridge message stored straight through the engine's inbound store (no HTTP, a chosen
// clock), as the ingest path stores a batch of one: its outcome, or its error thrown.
import type { Store } from '../../src/db/store.js';
import { createInboundStore, type BridgeMessage, type DuplicateMessage, type StoreOptions, type StoredMessage } from '../../src/messages/inbound.repository.js';

export async function storeInbound(store: Store, input: BridgeMessage, options: StoreOptions): Promise<StoredMessage | DuplicateMessage> {
  const [outcome] = await createInboundStore(store).storeBatch([{ input, options }]);
  if (!outcome) throw new Error('no outcome for a batch of one');
  if ('error' in outcome) throw outcome.error;
  return outcome.ok;
}
