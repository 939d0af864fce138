// Who may transfer what to whom, idempotent retries and concurrent transfers of one target.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTransfersRepository } from '../../src/transfers/transfers.repository.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { addSecondBranch, addUser, branchOf, demoTarget, ownerOf, userId } from './fixtures.js';

describe('transfer rules', () => {
  let t: TestHub;
  let seat1: number;
  let seat2: number;
  let receId: string;
  let tokens: Record<string, string>;
  beforeEach(async () => {
    t = await startHub();
    const store = t.hub.store;
    seat1 = await userId(store, 'seat1');
    seat2 = await userId(store, 'seat2');
    receId = String((await demoTarget(store, seat1)).id);
    const names = ['seat1', 'seat2', 'branch1', 'super1', 'master'];
    const values = await Promise.all(names.map((n) => t.login(n)));
    tokens = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  });
  afterEach(() => t.close());

  const transferRows = () => t.hub.store.db.select().from(t.hub.store.tables.transfers);
  const transfer = (token: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
    t.call('POST', '/xd/client/transfer', { token, body, headers });

  it('refuses a transfer to oneself, to the current owner, to another branch, to a non-seat', async () => {
    const store = t.hub.store;
    const other = await addSecondBranch(store);
    const self = await transfer(tokens.seat1!, { receId, toCustServId: String(seat1) });
    expect(self).toMatchObject({ status: 400, body: { code: 400, msg: 'toCustServId: cannot transfer to yourself' } });

    const toOwner = await transfer(tokens.branch1!, { receId, toCustServId: String(seat1) });
    expect(toOwner).toMatchObject({ status: 409, body: { code: 409, msg: `receId: already belongs to seat ${seat1}` } });

    const otherBranch = await transfer(tokens.seat1!, { receId, toCustServId: String(other.seatId) });
    expect(otherBranch.status).toBe(400);
    expect(otherBranch.body.msg).toBe("toCustServId: must be a seat of the same branch as the target's current seat");
    // Not even a master may move a target across branches.
    expect((await transfer(tokens.master!, { receId, toCustServId: String(other.seatId) })).status).toBe(400);

    const notSeat = await transfer(tokens.seat1!, { receId, toCustServId: String(await userId(store, 'super1')) });
    expect(notSeat).toMatchObject({ status: 404, body: { msg: 'toCustServId not found' } });
    expect((await transfer(tokens.seat1!, { receId, toCustServId: '999999' })).status).toBe(404);

    const disabledId = await addUser(store, { username: 'seat3', name: '坐席三', role: 'seat', branchId: await branchOf(store, 'seat1'), disabled: true });
    expect(await transfer(tokens.seat1!, { receId, toCustServId: String(disabledId) })).toMatchObject({ status: 400, body: { msg: 'toCustServId: that seat is disabled' } });

    expect(await ownerOf(store, Number(receId))).toBe(seat1);
    expect(await transferRows()).toHaveLength(0);
  });

  it('validates the body and names the field', async () => {
    expect((await transfer(tokens.seat1!, { receId: 'abc', toCustServId: String(seat2) })).body.msg).toMatch(/^body\.receId: /);
    expect((await transfer(tokens.seat1!, { receId })).body).toMatchObject({ code: 400, msg: 'body.toCustServId: is required' });
    expect((await transfer(tokens.seat1!, { receId, toCustServId: String(seat2), reason: 'x'.repeat(501) })).body.msg).toMatch(/^body\.reason: /);
    expect((await transfer(tokens.seat1!, { receId: '999999', toCustServId: String(seat2) })).status).toBe(404);
    expect((await t.call('POST', '/xd/client/transfer', { body: { receId, toCustServId: String(seat2) } })).status).toBe(401);
  });

  it('lets only the owner, its branch manager or supervisor, or a master transfer', async () => {
    const store = t.hub.store;
    const other = await addSecondBranch(store);
    const branch2 = await t.login('branch2');
    const seat9 = await t.login('seat9');
    expect((await transfer(tokens.seat2!, { receId, toCustServId: String(seat2) })).status).toBe(403);
    expect((await transfer(branch2, { receId, toCustServId: String(seat2) })).status).toBe(403);
    expect((await transfer(seat9, { receId, toCustServId: String(seat2) })).status).toBe(403);
    void other;

    const bySupervisor = await transfer(tokens.super1!, { receId, toCustServId: String(seat2) });
    expect(bySupervisor.status).toBe(200);
    const byManager = await transfer(tokens.branch1!, { receId, toCustServId: String(seat1) });
    expect(byManager.status).toBe(200);
    const byMaster = await transfer(tokens.master!, { receId, toCustServId: String(seat2), reason: '调整' });
    expect(byMaster.status).toBe(200);
    const chain = await createTransfersRepository(t.hub.store).transferChain(Number(receId));
    expect(chain.map((r) => [r.fromSeatId, r.toSeatId, r.byUserId])).toEqual([
      [seat1, seat2, await userId(store, 'super1')],
      [seat2, seat1, await userId(store, 'branch1')],
      [seat1, seat2, await userId(store, 'master')],
    ]);

    // transferSource follows the latest transfer into the current owner; the giver is refused.
    const source = await t.call('POST', '/xd/client/transferSource', { token: tokens.seat2!, body: { receId } });
    expect(source.body.data).toMatchObject({ fromCustServId: String(seat1), fromName: '坐席一', reason: '调整' });
    expect((await t.call('POST', '/xd/client/transferSource', { token: tokens.seat1!, body: { receId } })).status).toBe(403);
    expect((await t.call('POST', '/xd/client/transferSource', { token: branch2, body: { receId } })).status).toBe(403);
    expect((await t.call('POST', '/xd/client/transferSource', { token: tokens.branch1!, body: { receId } })).status).toBe(200);
  });

  it('answers 404 from transferSource for a target never transferred, 400 for a bad id', async () => {
    const never = await t.call('POST', '/xd/client/transferSource', { token: tokens.seat1!, body: { receId } });
    expect(never).toMatchObject({ status: 404, body: { code: 404, msg: 'transfer of this receId not found' } });
    expect((await t.call('POST', '/xd/client/transferSource', { token: tokens.seat1!, body: { receId: '0' } })).body.msg).toMatch(/^body\.receId: /);
    expect((await t.call('POST', '/xd/client/transferSource', { token: tokens.seat1!, body: { receId: '999999' } })).status).toBe(404);
  });

  it('records a retried request once and answers the first transferId', async () => {
    const body = { receId, toCustServId: String(seat2), requestId: 'req-1' };
    const [first, second] = await Promise.all([transfer(tokens.seat1!, body), transfer(tokens.seat1!, body)]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.data.transferId).toBe(first.body.data.transferId);
    // Later still, after seat1 lost the target, the retry answers the same id.
    const late = await transfer(tokens.seat1!, body);
    expect(late.body.data.transferId).toBe(first.body.data.transferId);
    expect(await transferRows()).toHaveLength(1);

    // The same key for another transfer is a conflict, not a silent replay.
    const reused = await transfer(tokens.seat1!, { ...body, toCustServId: String(seat1) });
    expect(reused).toMatchObject({ status: 409, body: { msg: 'requestId: already used for a different transfer' } });

    // The Idempotency-Key header works as well; keys are per user, so seat2 may reuse "req-1".
    const back = { receId, toCustServId: String(seat1) };
    const h1 = await transfer(tokens.seat2!, back, { 'idempotency-key': 'req-1' });
    const h2 = await transfer(tokens.seat2!, back, { 'idempotency-key': 'req-1' });
    expect(h1.status).toBe(200);
    expect(h2.body.data.transferId).toBe(h1.body.data.transferId);
    expect(h1.body.data.transferId).not.toBe(first.body.data.transferId);
    expect(await transferRows()).toHaveLength(2);
    const { transfers } = t.hub.store.tables;
    const [latest] = await t.hub.store.db.select().from(transfers).where(eq(transfers.id, Number(h1.body.data.transferId)));
    expect(latest!.requestKey).toBe(`${seat2}:req-1`);
  });

  it('leaves exactly one owner and an unbroken chain when transfers of one target race', async () => {
    const store = t.hub.store;
    const seat3 = await addUser(store, { username: 'seat3', name: '坐席三', role: 'seat', branchId: await branchOf(store, 'seat1') });
    // A second hub process on the same database: the owner must be re-read inside the
    // write transaction, whichever connection wrote last.
    const twin = await startHub({ dir: t.dir });
    try {
      const twinTokens = await Promise.all([twin.login('branch1'), twin.login('super1')]);
      const attempts = [
        transfer(tokens.seat1!, { receId, toCustServId: String(seat2) }),
        transfer(tokens.seat1!, { receId, toCustServId: String(seat3) }),
        transfer(tokens.branch1!, { receId, toCustServId: String(seat3) }),
        twin.call('POST', '/xd/client/transfer', { token: twinTokens[0], body: { receId, toCustServId: String(seat2) } }),
        twin.call('POST', '/xd/client/transfer', { token: twinTokens[1], body: { receId, toCustServId: String(seat1) } }),
        transfer(tokens.super1!, { receId, toCustServId: String(seat2) }),
      ];
      const results = await Promise.all(attempts);
      for (const r of results) expect([200, 403, 409]).toContain(r.status);
      const succeeded = results.filter((r) => r.status === 200).length;
      expect(succeeded).toBeGreaterThanOrEqual(1);

      const chain = await createTransfersRepository(t.hub.store).transferChain(Number(receId));
      expect(chain).toHaveLength(succeeded);
      expect(chain[0]!.fromSeatId).toBe(seat1);
      for (let i = 1; i < chain.length; i++) expect(chain[i]!.fromSeatId).toBe(chain[i - 1]!.toSeatId);
      expect(await ownerOf(store, Number(receId))).toBe(chain.at(-1)!.toSeatId);
    } finally {
      await twin.close();
    }
  });
});
