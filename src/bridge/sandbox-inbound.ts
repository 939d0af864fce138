// Demo inbound traffic for the sandbox bridge: only when SANDBOX_INBOUND_PER_MINUTE > 0, never
// by default. Messages take the normal ingest path, as a real bridge's callbacks would.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/open.js';
import type { InboundIngest } from '../messages/ingest.js';
import type { Clock } from '../time.js';
import { bridgeAccounts } from './bridge.repository.js';

const NAMES = ['Ana', 'Bruno', '李雷', '韩梅梅', 'Carlos', 'Dewi', 'Emre', 'Fatima'];
const LINES = ['Hi, is this still available?', '价格多少?', 'Can you send a photo?', '你好', 'Thanks!', 'How long is delivery?'];

export function startSandboxInbound(deps: { db: Db; ingest: InboundIngest; clock: Clock; perMinute: number; log?: FastifyBaseLogger }): () => void {
  if (deps.perMinute <= 0) return () => undefined;
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  const timer = setInterval(() => {
    try {
      const accounts = bridgeAccounts(deps.db);
      if (accounts.length === 0) return;
      const account = pick(accounts);
      const n = Math.floor(Math.random() * NAMES.length);
      const stored = deps.ingest({
        phone: account.phone,
        msgId: `sandbox-in-${randomUUID()}`,
        direction: 'in',
        from: { id: `sandbox-${account.id}-${n}`, name: NAMES[n], convType: 'stranger' },
        contentType: '1',
        content: pick(LINES),
        sendTime: deps.clock.now(),
      });
      stored.catch((error: unknown) => deps.log?.warn({ err: error }, 'sandbox inbound message not stored'));
    } catch (error) {
      deps.log?.warn({ err: error }, 'sandbox inbound message not stored');
    }
  }, Math.max(1, Math.round(60_000 / deps.perMinute)));
  timer.unref();
  return () => clearInterval(timer);
}
