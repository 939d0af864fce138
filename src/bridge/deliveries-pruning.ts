// Webhook ids are kept long enough to refuse any retry a bridge would still make (days), not
// forever: the table would otherwise grow with every callback. Message callbacks stay deduped
// beyond that by (account, bridge msgId), and status callbacks never move a message backwards.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../time.js';
import type { DeliveriesRepository } from './deliveries.repository.js';

export const WEBHOOK_ID_RETENTION_MS = 7 * 24 * 3_600_000;
const BATCH = 5000;

export interface DeliveryPruningOptions {
  deliveries: DeliveriesRepository;
  clock: Clock;
  log?: FastifyBaseLogger;
  retentionMs?: number;
  everyMs?: number;
}

/** Prunes now and then every `everyMs`; returns the function that stops it, which resolves
 * once a round under way has ended (so the store can close behind it). */
export function startDeliveryPruning(options: DeliveryPruningOptions): () => Promise<void> {
  const retention = options.retentionMs ?? WEBHOOK_ID_RETENTION_MS;
  let running: Promise<void> | undefined;
  const prune = async () => {
    try {
      const before = options.clock.now() - retention;
      let removed = 0;
      for (;;) {
        const batch = await options.deliveries.prune(before, BATCH);
        removed += batch;
        if (batch < BATCH) break;
      }
      if (removed > 0) options.log?.info({ removed }, 'pruned old webhook ids');
    } catch (error) {
      // A busy database is no reason to stop the hub; the next round catches up.
      options.log?.warn({ err: error }, 'webhook id pruning failed');
    }
  };
  // A round still deleting when the next is due is left to finish: never two at once.
  const round = () => {
    running ??= prune().finally(() => (running = undefined));
    return running;
  };
  void round();
  const timer = setInterval(() => void round(), options.everyMs ?? 3_600_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
