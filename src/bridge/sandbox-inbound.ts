// Demo inbound traffic for the sandbox bridge: only when SANDBOX_INBOUND_PER_MINUTE > 0, never
// by default. Messages take the normal ingest path, as a real bridge's callbacks would.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { InboundIngest } from '../messages/ingest.js';
import type { Clock } from '../time.js';
import type { BridgeRepository } from './bridge.repository.js';

const NAMES = ['Ana', 'Bruno', '李雷', '韩梅梅', 'Carlos', 'Dewi', 'Emre', 'Fatima'];
const LINES = ['Hi, is this still available?', '价格多少?', 'Can you send a photo?', '你好', 'Thanks!', 'How long is delivery?'];

export function startSandboxInbound(deps: { repository: Pick<BridgeRepository, 'bridgeAccounts'>; ingest: InboundIngest; clock: Clock; perMinute: number; log?: FastifyBaseLogger }): () => void {
  if (deps.perMinute <= 0) return () => undefined;
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  const send = async () => {
    const accounts = await deps.repository.bridgeAccounts();
    if (accounts.length === 0) return;
    const account = pick(accounts);
    const n = Math.floor(Math.random() * NAMES.length);
    await deps.ingest({
      phone: account.phone,
      msgId: `sandbox-in-${randomUUID()}`,
      direction: 'in',
      from: { id: `sandbox-${account.id}-${n}`, name: NAMES[n], convType: 'stranger' },
      contentType: '1',
      content: pick(LINES),
      sendTime: deps.clock.now(),
    });
  };
  const timer = setInterval(() => {
    send().catch((error: unknown) => deps.log?.warn({ err: error }, 'sandbox inbound message not stored'));
  }, Math.max(1, Math.round(60_000 / deps.perMinute)));
  timer.unref();
  return () => clearInterval(timer);
}
