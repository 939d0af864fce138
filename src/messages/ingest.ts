// Inbound path: store the bridge's message, then push it to the owning seat's room. The push
// happens only after the commit, and never waits on anything remote: with the Redis adapter the
// publish is fire-and-forget, and a seat that misses it sees the gap in its seq and catches up.
//
// Group commit: the callbacks that arrive in one turn of the event loop are stored in one
// transaction, flushed from setImmediate (right after the I/O that brought them), and each is
// answered only after that commit. Alone, a callback waits for nothing; under load, one commit
// carries many messages instead of rewriting the same pages once per message.
import type { FastifyBaseLogger } from 'fastify';
import { streamOf } from '../activity/activity.repository.js';
import type { DashboardChangeListener } from '../dashboard/changes.js';
import type { Store } from '../db/store.js';
import type { HubServer } from '../realtime/hub-server.js';
import { rooms } from '../realtime/rooms.js';
import { checkSendTime } from '../http/input-rules.js';
import type { Clock } from '../time.js';
import { createInboundStore, type BatchItem, type BatchOutcome, type BridgeMessage, type DuplicateMessage, type StoredMessage } from './inbound.repository.js';
import { toPushedMessage } from './payloads.js';

/** Told the size and commit time of each batch and each push's latency (the metrics feature). */
export interface IngestObserver {
  batch(size: number, commitSeconds: number): void;
  pushed(latencySeconds: number): void;
}

/** `stamp`: the fans:count push's place, the message's cursor and the seat stream's next number. */
export type NewFanListener = (seatId: number, day: string, stamp: { cursor: number; seq: number }) => void;

export interface IngestDeps {
  store: Store;
  io: HubServer;
  clock: Clock;
  tzName: string;
  log?: FastifyBaseLogger;
  /** Told about each first-seen target after its commit (the fans feature pushes the new count). */
  onNewFan?: NewFanListener;
  /** Told after each stored message changed a branch's dashboard figures. */
  onDashboardChange?: DashboardChangeListener;
  /** Most messages in one transaction; a longer queue is flushed in several. */
  maxBatch?: number;
  observe?: IngestObserver;
}

export type IngestResult = StoredMessage | DuplicateMessage;

/** Resolves once the message is committed (and pushed); rejects with that message's own error. */
export type InboundIngest = (message: BridgeMessage, webhookId?: string) => Promise<IngestResult>;

interface Pending extends BatchItem {
  /** performance.now() when the callback reached the ingest. */
  receivedAt: number;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

export function createInboundIngest(deps: IngestDeps): InboundIngest {
  const maxBatch = deps.maxBatch ?? 256;
  const inbound = createInboundStore(deps.store);
  let queue: Pending[] = [];

  const push = (result: StoredMessage) => {
    if (result.seatId !== null && result.seq !== null) {
      deps.io.to(rooms.seat(result.seatId)).emit('message:new', {
        accountId: String(result.accountId),
        receId: String(result.target.id),
        receName: result.target.name,
        convType: result.target.convType,
        message: toPushedMessage(result.message, deps.tzName),
        cursor: result.cursor,
        ...streamOf(result.seatId, result.seq),
      });
    }
    if (result.newFan && deps.onNewFan && result.seq !== null) {
      try {
        deps.onNewFan(result.newFan.seatId, result.newFan.day, { cursor: result.cursor, seq: result.seq + 1 });
      } catch (error) {
        // The message is stored and answered; a listener's failure must not turn that into a 500.
        deps.log?.error({ err: error }, 'new-fan listener failed');
      }
    }
    deps.onDashboardChange?.(result.branchId, result.day, result.cursor);
  };

  // One batch in flight per process: callbacks that arrive while it is stored queue up and go in
  // the next batch, started as soon as this one is answered. Several batches of one process in
  // flight at once bought nothing on SQLite (one writer) and, on PostgreSQL, contended for the
  // same seats' rows until they deadlocked (each deadlock costs PostgreSQL's deadlock_timeout).
  let flushing = false;
  const flush = async () => {
    if (flushing) return;
    flushing = true;
    try {
      while (queue.length > 0) await flushQueue();
    } finally {
      flushing = false;
    }
  };
  const flushQueue = async () => {
    const pending = queue;
    queue = [];
    for (let start = 0; start < pending.length; start += maxBatch) {
      const batch = pending.slice(start, start + maxBatch);
      let outcomes: BatchOutcome[];
      const started = performance.now();
      try {
        outcomes = await inbound.storeBatch(batch);
        deps.observe?.batch(batch.length, (performance.now() - started) / 1000);
      } catch (error) {
        // BEGIN or COMMIT failed (the lock stayed busy, the disk is full): nothing of this batch
        // is stored, and every caller hears so and the bridge retries.
        for (const item of batch) item.reject(error);
        continue;
      }
      outcomes.forEach((outcome, i) => {
        const item = batch[i]!;
        if ('error' in outcome) return item.reject(outcome.error);
        item.resolve(outcome.ok);
        if (outcome.ok.duplicate) return;
        try {
          push(outcome.ok);
          deps.observe?.pushed((performance.now() - item.receivedAt) / 1000);
        } catch (error) {
          // Stored and answered: a seat that missed the push catches up by seq. Thrown here,
          // the error would escape setImmediate and end the process.
          deps.log?.error({ err: error }, 'message:new push failed');
        }
      });
    }
  };

  return function ingestInboundMessage(input, webhookId) {
    return new Promise<IngestResult>((resolve, reject) => {
      const now = deps.clock.now();
      // Checked here, not in one route, so that every bridge driver feeding ingest gets the rule.
      checkSendTime('sendTime', input.sendTime, now);
      if (queue.length === 0 && !flushing) setImmediate(() => void flush());
      queue.push({ input, options: { tzName: deps.tzName, now, webhookId }, receivedAt: performance.now(), resolve, reject });
    });
  };
}
