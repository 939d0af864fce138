// Several processes transfer one target at once through the same database: exactly one owner
// at the end and a transfer chain without gaps (each transfer starts where the previous ended).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTransfersRepository } from '../../src/transfers/transfers.repository.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { addUser, branchOf, demoTarget, ownerOf, userId } from './fixtures.js';

const run = promisify(execFile);
const ROUNDS = 300;
const WORKER = join(import.meta.dirname, 'race-worker.ts');

describe('concurrent transfers across processes', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startHub();
  });
  afterEach(() => t.close());

  it('keeps one owner and a consistent chain', async () => {
    const store = t.hub.store;
    const seat1 = await userId(store, 'seat1');
    const seat2 = await userId(store, 'seat2');
    const seat3 = await addUser(store, { username: 'seat3', name: '坐席三', role: 'seat', branchId: await branchOf(store, 'seat1') });
    const target = await demoTarget(store, seat1);
    const database = t.hub.config.databaseUrl ?? join(t.dir, 'hub.db');
    // Different seat orders per process, so they keep colliding on "already belongs to".
    const orders = [[seat2, seat3, seat1], [seat3, seat1, seat2], [seat2, seat1, seat3]];
    // Far enough ahead for every process to have loaded its modules.
    const startAt = Date.now() + 4000;
    const outputs = await Promise.all(
      orders.map((order) =>
        run(process.execPath, ['--import', 'tsx', WORKER, database, String(target.id), order.join(','), String(ROUNDS), String(startAt)], { timeout: 60_000 }),
      ),
    );
    const totals = outputs.map((o) => JSON.parse(o.stdout.trim()) as { made: number; refused: number; started: number; finished: number });
    // The runs overlapped in time: otherwise this would test nothing about concurrency.
    expect(Math.max(...totals.map((r) => r.started))).toBeLessThan(Math.min(...totals.map((r) => r.finished)));
    const made = totals.reduce((n, r) => n + r.made, 0);
    expect(totals.reduce((n, r) => n + r.made + r.refused, 0)).toBe(ROUNDS * orders.length);
    expect(made).toBeGreaterThan(0);

    const chain = await createTransfersRepository(t.hub.store).transferChain(target.id);
    expect(chain).toHaveLength(made);
    expect(chain[0]!.fromSeatId).toBe(seat1);
    for (let i = 0; i < chain.length; i++) {
      expect(chain[i]!.toSeatId).not.toBe(chain[i]!.fromSeatId);
      if (i > 0) expect(chain[i]!.fromSeatId).toBe(chain[i - 1]!.toSeatId);
    }
    expect(await ownerOf(store, target.id)).toBe(chain.at(-1)!.toSeatId);
  });
});
