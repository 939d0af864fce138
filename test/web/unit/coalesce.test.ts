import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../src/web/services/coalesce';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('coalesce: refetch on hints', () => {
  it('runs one load at a time and one more after it for every burst of hints that came during it', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    let active = 0;
    let maxActive = 0;
    const refetch = coalesce(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      active -= 1;
    });
    const first = refetch();
    const during = [refetch(), refetch(), refetch()];
    expect(refetch.loads).toBe(1);
    gates[0]!.resolve();
    await first;
    await Promise.resolve();
    await Promise.resolve();
    expect(refetch.loads).toBe(2);
    gates[1]!.resolve();
    await Promise.all(during);
    expect(refetch.loads).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('starts a fresh load for a hint after the last one finished, and survives a failed load', async () => {
    let n = 0;
    const refetch = coalesce(async () => {
      n += 1;
      if (n === 1) throw new Error('hub down');
    });
    await refetch();
    await refetch();
    expect(n).toBe(2);
  });
});
