// The outbound path of a stored reply: hand it to the bridge with bounded retries and
// exponential backoff, then mark it sent (with the bridge's id) or failed (with the reason).
// Replies left pending by a stopped hub are failed by a periodic sweep, never re-sent.
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../db/store.js';
import type { Clock } from '../time.js';
import { BridgeError, type BridgePort } from './bridge-port.js';
import { failStalePending, markAccepted, markFailed, sendRequestOf, type StatusChange } from './outbound.repository.js';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

// Far beyond the last retry (attempts × the bridge client's timeout plus backoff).
const STALE_PENDING_MS = 2 * 60_000;

export interface DeliveryWorkerDeps {
  store: Store;
  bridge: BridgePort;
  clock: Clock;
  /** Pushes a stored status change to the seat (message:updated). */
  publish: (change: StatusChange | null) => void;
  log?: FastifyBaseLogger;
  retry?: RetryPolicy;
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps) {
  const { store, bridge, clock, publish } = deps;
  const retry = deps.retry ?? { attempts: 4, baseDelayMs: 250 };
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

  async function deliver(messageId: number) {
    const stored = await sendRequestOf(store, messageId);
    // Recalled before it went out: nothing to send.
    if (!stored || stored.status !== 'pending') return;
    const request = {
      phone: stored.phone,
      to: stored.to,
      contentType: stored.contentType,
      content: stored.content,
      clientMsgId: stored.clientMsgId ?? String(messageId),
      // Row id and creation time: stable across the retries (and restarts) of this reply, and
      // not reused by another database that hands out the same ids.
      idempotencyKey: `send_${messageId}_${stored.createdAt}`,
    };
    let reason = 'not sent';
    for (let attempt = 1; attempt <= retry.attempts && !closed; attempt++) {
      try {
        const { msgId } = await bridge.send(request);
        publish(await markAccepted(store, messageId, msgId, clock.now()));
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
    publish(await markFailed(store, messageId, reason.slice(0, 500), clock.now()));
  }

  async function sweepStalePending() {
    try {
      const now = clock.now();
      for (const change of await failStalePending(store, now - STALE_PENDING_MS, 'not handed to the bridge before the hub stopped', now)) publish(change);
    } catch (error) {
      deps.log?.warn({ err: error }, 'stale pending sweep failed');
    }
  }
  void sweepStalePending();
  const sweeper = setInterval(() => void sweepStalePending(), 60_000);
  sweeper.unref();

  return {
    /** Starts delivering a stored pending reply; returns at once. */
    enqueue(messageId: number): void {
      void deliver(messageId).catch((error) => deps.log?.error({ err: error }, 'delivery crashed'));
    },
    close() {
      closed = true;
      clearInterval(sweeper);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
