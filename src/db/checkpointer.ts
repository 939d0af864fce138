// WAL checkpoints on a worker thread. With SQLite's automatic checkpoint, the connection that
// commits the 1000th WAL page copies the WAL into the database file and syncs it, on the event
// loop, inside that request: about 40 % of the cost of storing a bridge message, and a latency
// spike for whichever callback is unlucky. A second connection on a worker thread checkpoints
// (PASSIVE: it never blocks the writer or readers) every few milliseconds instead, on the
// other core. The main connection keeps a much larger automatic checkpoint as a backstop, so
// the WAL stays bounded even if the worker stops.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Sqlite } from './open.js';

/** WAL pages after which the main connection checkpoints by itself (the backstop). */
export const BACKSTOP_PAGES = 20_000;

// Plain JavaScript evaluated in the worker, so the same code runs from src (tsx, vitest) and dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = ' + workerData.synchronous);
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another hub is checkpointing) or the file is going away: try again next tick.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(sqlite: Sqlite, options: { intervalMs?: number } = {}): Checkpointer {
  const none: Checkpointer = { stop: async () => undefined };
  if (sqlite.memory || sqlite.name === '') return none;
  const synchronous = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][sqlite.pragma('synchronous', { simple: true }) as number] ?? 'NORMAL';
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path: sqlite.name,
      synchronous,
      intervalMs: options.intervalMs ?? 50,
    },
  });
  worker.unref();
  // Only once the worker runs does the main connection stop checkpointing every 1000 pages.
  worker.once('online', () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  });
  // A failing worker must not take the hub down: the main connection goes back to checkpointing.
  worker.on('error', () => {
    if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  });

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (worker.threadId === -1) return resolve();
        const force = setTimeout(() => void worker.terminate(), 5000);
        worker.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
