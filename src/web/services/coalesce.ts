// Refetch on a hint (`dashboard:changed`, `group:progress`, …) without piling requests up: one
// load at a time, and hints that arrive while it runs ask for exactly one more load after it
// (a load that started before a change may have missed it; one that starts after cannot).
export interface Coalesced {
  /** Asks for a load; resolves when a load that started after this call has finished. */
  (): Promise<void>;
  readonly loads: number;
}

export function coalesce(load: () => Promise<void>): Coalesced {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  let loads = 0;

  const start = (): Promise<void> => {
    loads += 1;
    running = load()
      .catch(() => undefined)
      .finally(() => {
        running = null;
      });
    return running;
  };

  const request = (() => {
    if (!running) return start();
    queued ??= running.then(() => {
      queued = null;
      return start();
    });
    return queued;
  }) as Coalesced;
  Object.defineProperty(request, 'loads', { get: () => loads });
  return request;
}
