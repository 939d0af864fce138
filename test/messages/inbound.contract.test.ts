// The inbound store's contract on both engines: what one batch stores, dedupe by msgId and by
// webhook id, a failing item isolated from its batch, and a seat's stream numbers consecutive
// within a batch and gap-free when two stores (two hosts) store batches for one seat at once.
import { asc, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { HubError } from '../../src/http/errors.js';
import { createInboundStore, type BatchItem, type BatchOutcome, type BridgeMessage, type StoredMessage } from '../../src/messages/inbound.repository.js';
import { ENGINES, engineStores, message, seedSeat, TZ, type SeatFixture } from './store-fixtures.js';

const item = (input: BridgeMessage, webhookId?: string): BatchItem => ({ input, options: { tzName: TZ, now: input.sendTime + 50, webhookId } });
const stored = (outcome: BatchOutcome | undefined): StoredMessage => {
  if (!outcome || !('ok' in outcome) || outcome.ok.duplicate) throw new Error(`not stored: ${JSON.stringify(outcome)}`);
  return outcome.ok;
};

/** Locks a seat's stream row from a connection of its own until the returned function runs
 * (PostgreSQL; SQLite's writers are serial, and holding its lock would stall the test). */
async function holdStreamRow(store: Store, seatId: number): Promise<() => Promise<void>> {
  if (store.dialect !== 'pg') return async () => undefined;
  const client = await store.pool.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM seat_streams WHERE seat_id = $1 FOR UPDATE', [seatId]);
  return async () => {
    await client.query('COMMIT');
    client.release();
  };
}

describe.each(ENGINES)('inbound store on %s', (engine) => {
  const engines = engineStores(engine);
  let store: Store;
  let reopen: () => Promise<Store>;
  let seat: SeatFixture;
  let other: SeatFixture;

  beforeAll(async () => {
    await engines.start();
    ({ store, reopen } = await engines.fresh());
    seat = await seedSeat(store, 'seat-a', '+100');
    other = await seedSeat(store, 'seat-b', '+200', seat.branchId);
  }, 60_000);
  afterAll(() => engines.stop());

  const seqOf = async (seatId: number) => {
    const { seatStreams } = store.tables;
    return (await store.db.select({ seq: seatStreams.seq }).from(seatStreams).where(eq(seatStreams.seatId, seatId)))[0]?.seq ?? 0;
  };

  it('stores a first message: target, conversation, fan, counters, and two stream numbers', async () => {
    const { conversations, dashboardHours, fanEvents, messages } = store.tables;
    const before = await seqOf(seat.seatId);
    const [outcome] = await createInboundStore(store).storeBatch([item(message(seat.phone, 'first', { content: 'hello' }))]);
    const result = stored(outcome);
    expect(result).toMatchObject({ seatId: seat.seatId, branchId: seat.branchId, accountId: seat.accountId, seq: before + 1, newFan: { seatId: seat.seatId } });
    expect(result.target).toMatchObject({ name: 'first', convType: 'stranger' });
    expect(result.message).toMatchObject({ content: 'hello', status: 'received', readState: 0, sender: 1, cursor: result.cursor });
    // The new fan's fans:count push takes the number after the message's.
    expect(await seqOf(seat.seatId)).toBe(before + 2);
    const [conversation] = await store.db.select().from(conversations).where(eq(conversations.targetId, result.target.id));
    expect(conversation).toMatchObject({ seatId: seat.seatId, unreadCount: 1, lastMessageId: result.messageId, lastContent: 'hello', lastCursor: result.cursor });
    expect(conversation!.unansweredSince).toBe(result.message.sendTime);
    expect((await store.db.select({ n: count() }).from(fanEvents).where(eq(fanEvents.targetId, result.target.id)))[0]!.n).toBe(1);
    const hours = await store.db.select().from(dashboardHours).where(eq(dashboardHours.seatId, seat.seatId));
    expect(hours.reduce((sum, h) => sum + h.inbound, 0)).toBe(1);
    expect(hours.reduce((sum, h) => sum + h.activeTargets, 0)).toBe(1);
    expect((await store.db.select({ n: count() }).from(messages).where(eq(messages.id, result.messageId)))[0]!.n).toBe(1);
  });

  it('answers a repeated msgId (in the same batch or later) as a duplicate of the stored message', async () => {
    const { messages } = store.tables;
    const first = message(seat.phone, 'dupe');
    const outcomes = await createInboundStore(store).storeBatch([item(first), item({ ...first, content: 'again' })]);
    const original = stored(outcomes[0]);
    expect(outcomes[1]).toEqual({ ok: { duplicate: true, messageId: original.messageId, targetId: original.target.id } });
    const seq = await seqOf(seat.seatId);
    const [later] = await createInboundStore(store).storeBatch([item(first)]);
    expect(later).toEqual({ ok: { duplicate: true, messageId: original.messageId, targetId: original.target.id } });
    expect(await seqOf(seat.seatId)).toBe(seq);
    expect((await store.db.select({ n: count() }).from(messages).where(eq(messages.bridgeMsgId, first.msgId)))[0]!.n).toBe(1);
  });

  it('answers a replayed webhook id as a duplicate, whatever msgId it carries', async () => {
    const [first, replay] = await createInboundStore(store).storeBatch([item(message(seat.phone, 'hook'), 'wh-1'), item(message(seat.phone, 'hook'), 'wh-1')]);
    stored(first);
    expect(replay).toEqual({ ok: { duplicate: true, messageId: null, targetId: null } });
  });

  it('numbers the messages of one seat in one batch consecutively; a failing item takes no number and fails alone', async () => {
    const start = await seqOf(seat.seatId);
    const inputs = [
      message(seat.phone, 'first'),
      message(seat.phone, 'first'),
      message(seat.phone, 'batch-new-fan'),
      message('+999', 'nobody'),
      message(seat.phone, 'first'),
    ];
    const outcomes = await createInboundStore(store).storeBatch(inputs.map((m) => item(m)));
    expect(outcomes.map((o) => ('ok' in o && !o.ok.duplicate ? o.ok.seq : null))).toEqual([start + 1, start + 2, start + 3, null, start + 5]);
    const failed = outcomes[3]!;
    expect('error' in failed && failed.error instanceof HubError && failed.error.code).toBe(404);
    expect(await seqOf(seat.seatId)).toBe(start + 5);
  });

  it('refuses a disabled account without claiming its webhook id', async () => {
    const { accounts } = store.tables;
    const off = await seedSeat(store, 'seat-off', '+300', seat.branchId);
    await store.db.update(accounts).set({ disabled: true }).where(eq(accounts.id, off.accountId));
    const [refused] = await createInboundStore(store).storeBatch([item(message(off.phone, 'x'), 'wh-off')]);
    expect('error' in refused! && refused.error instanceof HubError && refused.error.error).toBe('bridge_account_disabled');
    await store.db.update(accounts).set({ disabled: false }).where(eq(accounts.id, off.accountId));
    stored((await createInboundStore(store).storeBatch([item(message(off.phone, 'x'), 'wh-off')]))[0]);
  });

  it('keeps the newest message as the conversation\'s last when an older one arrives late, and renames the target', async () => {
    const { conversations } = store.tables;
    const newer = message(seat.phone, 'late', { content: 'newer' });
    const older = message(seat.phone, 'late', { content: 'older', sendTime: newer.sendTime - 60_000, from: { id: 'late', name: 'Renamed', convType: 'biDirFriend' } });
    const [a, b] = await createInboundStore(store).storeBatch([item(newer), item(older)]);
    expect(stored(b).target).toMatchObject({ name: 'Renamed', convType: 'biDirFriend' });
    const [conversation] = await store.db.select().from(conversations).where(eq(conversations.targetId, stored(a).target.id));
    expect(conversation).toMatchObject({ lastContent: 'newer', lastSendTime: newer.sendTime, unreadCount: 2, lastCursor: stored(b).cursor });
  });

  it('numbers one seat\'s events without gaps or repeats when two stores on one database store batches at once', async () => {
    const { activity } = store.tables;
    const second = await reopen();
    stored((await createInboundStore(store).storeBatch([item(message(other.phone, 'warm-up'))]))[0]);
    const start = await seqOf(other.seatId);
    // Hours apart, so that the batches share no dashboard row: the seat's stream row is the only
    // row both must lock.
    const batchOf = (tag: string, hours: number) =>
      Array.from({ length: 8 }, (_, i) => {
        const input = message(other.phone, `${tag}-${i % 3}`);
        return item({ ...input, sendTime: input.sendTime + hours * 3600_000 });
      });
    // On PostgreSQL the seat's stream row is held by a third connection while both batches
    // start, so both are under way when it is let go: they overlap for certain.
    const release = await holdStreamRow(store, other.seatId);
    const racing = Promise.all([createInboundStore(store).storeBatch(batchOf('x', 0)), createInboundStore(second).storeBatch(batchOf('y', 3))]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await release();
    const [x, y] = await racing;
    const seqs = [...x!, ...y!].map((o) => stored(o).seq!);
    const end = await seqOf(other.seatId);
    // Six first-seen targets took two numbers each: 16 messages + 6 fans:count.
    expect(end - start).toBe(22);
    const taken = (
      await store.db.select({ seq: activity.seq }).from(activity).where(eq(activity.seatId, other.seatId)).orderBy(asc(activity.seq))
    ).map((r) => r.seq);
    const mine = taken.filter((s) => s! > start);
    expect(mine).toHaveLength(16);
    expect(new Set(mine).size).toBe(16);
    // Every number from start+1 to end belongs to exactly one stored event.
    const covered = new Set<number>();
    for (const o of [...x!, ...y!]) {
      const s = stored(o);
      covered.add(s.seq!);
      if (s.newFan) covered.add(s.seq! + 1);
    }
    expect([...covered].sort((p, q) => p - q)).toEqual(Array.from({ length: 22 }, (_, i) => start + 1 + i));
    expect(new Set(seqs).size).toBe(16);
  });

  it('stores a message once when two stores race to store it', async () => {
    const { messages } = store.tables;
    const second = await reopen();
    const same = message(other.phone, 'race');
    const start = await seqOf(other.seatId);
    const [x, y] = await Promise.all([createInboundStore(store).storeBatch([item(same)]), createInboundStore(second).storeBatch([item(same)])]);
    const outcomes = [x![0]!, y![0]!];
    const winners = outcomes.filter((o) => 'ok' in o && !o.ok.duplicate);
    expect(winners).toHaveLength(1);
    const winner = stored(winners[0]);
    expect(outcomes.find((o) => o !== winners[0])).toEqual({ ok: { duplicate: true, messageId: winner.messageId, targetId: winner.target.id } });
    expect((await store.db.select({ n: count() }).from(messages).where(eq(messages.bridgeMsgId, same.msgId)))[0]!.n).toBe(1);
    // The loser's numbers were rolled back with it: the stream goes on from the winner's.
    expect(await seqOf(other.seatId)).toBe(start + 2);
  });

  // PostgreSQL stores a batch in one call of hub_store_inbound: the paths below exist there only
  // (SQLite's writers are serial, so nothing can store a message between its check and insert).
  it.skipIf(engine !== 'pg')('undoes what an item wrote when another host stored its message first', async () => {
    if (store.dialect !== 'pg') return;
    const { messages, targets } = store.tables;
    const first = message(other.phone, 'holder');
    // The same msgId from a sender this account has never seen: the item creates a target and
    // a conversation and takes stream numbers before its insert meets the other host's row.
    const late = { ...message(other.phone, 'never-seen'), msgId: first.msgId };
    const start = await seqOf(other.seatId);
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT * FROM hub_store_inbound($1::jsonb)', [
        JSON.stringify([{ phone: first.phone, msgId: first.msgId, inbound: true, uid: 'holder', name: 'holder', convType: null, contentType: '1', content: 'x', thumb: null, mediaRef: null, sendTime: first.sendTime, webhookId: null, now: first.sendTime, day: '2026-11-26', hour: 16 }]),
      ]);
      const racing = createInboundStore(store).storeBatch([item(late)]);
      // The racing call is waiting on the uncommitted message's unique key when this commits.
      await new Promise((resolve) => setTimeout(resolve, 150));
      await client.query('COMMIT');
      const [outcome] = await racing;
      const [held] = await store.db.select().from(messages).where(eq(messages.bridgeMsgId, first.msgId));
      expect(outcome).toEqual({ ok: { duplicate: true, messageId: held!.id, targetId: held!.targetId } });
    } finally {
      client.release();
    }
    expect(await store.db.select().from(targets).where(eq(targets.platformUid, 'never-seen'))).toEqual([]);
    // The holder took two numbers (a new fan); the undone item's went back.
    expect(await seqOf(other.seatId)).toBe(start + 2);
  });

  it.skipIf(engine !== 'pg')('stores the rest of a batch when one item breaks the statement', async () => {
    const { messages } = store.tables;
    // PostgreSQL text cannot hold NUL (the routes refuse it): here it breaks the batch's call.
    const inputs = [message(seat.phone, 'nul-a'), message(seat.phone, 'nul-b', { content: 'bad\u0000' }), message(seat.phone, 'nul-c')];
    const outcomes = await createInboundStore(store).storeBatch(inputs.map((m) => item(m)));
    stored(outcomes[0]);
    expect('error' in outcomes[1]!).toBe(true);
    stored(outcomes[2]);
    const kept = await store.db.select({ msgId: messages.bridgeMsgId }).from(messages).where(eq(messages.accountId, seat.accountId));
    expect(kept.map((r) => r.msgId)).toEqual(expect.arrayContaining([inputs[0]!.msgId, inputs[2]!.msgId]));
    expect(kept.map((r) => r.msgId)).not.toContain(inputs[1]!.msgId);
  });
});
