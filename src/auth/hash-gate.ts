// A bound on password hashing. scrypt is deliberately expensive, so an unbounded queue of login
// attempts starves every real login behind it (and memory with it). At most `concurrency`
// hashes run; a short queue waits; beyond it the answer is "busy" at once.
//
// Attempts for usernames that exist go first. Attempts for unknown usernames hash a dummy (so
// both take the same time) but only in a smaller lane; when that lane is full they wait about
// one hash's time instead of hashing, so a flood of made-up names costs the same to the caller
// and no CPU to the hub, and cannot push real users out of the queue.
import { DUMMY_HASH, verifyPassword } from './password.js';

export class HashGateBusy extends Error {
  constructor() {
    super('password hashing queue is full');
    this.name = 'HashGateBusy';
  }
}

export interface HashGateOptions {
  concurrency: number;
  /** Known-user attempts that may wait for a slot; beyond them every attempt is refused at once. */
  queue: number;
}

export interface HashGate {
  /** Checks `password` against `storedHash` (a dummy when the user is unknown). Throws HashGateBusy when full. */
  verify(password: string, storedHash: string | undefined): Promise<boolean>;
  stats(): { running: number; waiting: number; averageMs: number };
}

export function createHashGate(options: HashGateOptions): HashGate {
  const { concurrency, queue } = options;
  // Unknown names never hold more than half the slots, so a real user always finds one soon.
  const unknownConcurrency = Math.max(1, Math.floor(concurrency / 2));
  const unknownQueue = Math.max(1, Math.floor(queue / 4));
  let running = 0;
  let runningUnknown = 0;
  let averageMs = 50;
  const knownWaiting: Array<() => void> = [];
  const unknownWaiting: Array<() => void> = [];

  function startNext(): void {
    while (running < concurrency) {
      const next = knownWaiting.shift() ?? (runningUnknown < unknownConcurrency ? unknownWaiting.shift() : undefined);
      if (!next) return;
      next();
    }
  }

  async function hash(password: string, storedHash: string, unknown: boolean): Promise<boolean> {
    const started = performance.now();
    try {
      return await verifyPassword(password, storedHash);
    } finally {
      averageMs = averageMs * 0.8 + (performance.now() - started) * 0.2;
      running--;
      if (unknown) runningUnknown--;
      startNext();
    }
  }

  function slot(unknown: boolean): Promise<void> {
    return new Promise((resolve) => {
      const start = () => {
        running++;
        if (unknown) runningUnknown++;
        resolve();
      };
      (unknown ? unknownWaiting : knownWaiting).push(start);
      startNext();
    });
  }

  return {
    async verify(password, storedHash) {
      // A full queue refuses everyone alike, so "busy" tells nothing about which names exist.
      if (knownWaiting.length >= queue) throw new HashGateBusy();
      const unknown = storedHash === undefined;
      if (unknown && unknownWaiting.length >= unknownQueue) {
        await new Promise((resolve) => setTimeout(resolve, averageMs * (0.9 + Math.random() * 0.2)));
        return false;
      }
      await slot(unknown);
      return hash(password, storedHash ?? DUMMY_HASH, unknown);
    },
    stats: () => ({ running, waiting: knownWaiting.length + unknownWaiting.length, averageMs }),
  };
}
