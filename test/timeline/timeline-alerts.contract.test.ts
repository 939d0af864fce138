// Catch-up on both engines: the targets of a seat with activity after a seq (or a cursor), in
// their current state, the position the answer covers, and paging by that position.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { createInboundStore, type BridgeMessage } from '../../src/messages/inbound.repository.js';
import { latestCursor } from '../../src/activity/activity.repository.js';
import { timelineAlerts, timelineAlertsBySeq } from '../../src/timeline/timeline-alerts.repository.js';
import { currentSeq } from '../../src/activity/activity.repository.js';
import { ENGINES, engineStores, message, seedSeat, TZ, type SeatFixture } from '../messages/store-fixtures.js';

describe.each(ENGINES)('timeline alerts on %s', (engine) => {
  const engines = engineStores(engine);
  let store: Store;
  let seat: SeatFixture;
  let other: SeatFixture;

  beforeAll(async () => {
    await engines.start();
    ({ store } = await engines.fresh());
    seat = await seedSeat(store, 'seat-t', '+500');
    other = await seedSeat(store, 'seat-u', '+600', seat.branchId);
  }, 60_000);
  afterAll(() => engines.stop());

  const put = async (...inputs: BridgeMessage[]) => {
    const outcomes = await createInboundStore(store).storeBatch(inputs.map((input) => ({ input, options: { tzName: TZ, now: input.sendTime } })));
    return outcomes.map((o) => {
      if (!('ok' in o) || o.ok.duplicate) throw new Error('not stored');
      return o.ok;
    });
  };

  it('answers an empty log with nothing, at the position asked', async () => {
    expect(await latestCursor(store.db)).toBe(0);
    expect(await timelineAlertsBySeq(store, seat.seatId, 0)).toEqual({ seq: 0, alerts: [], more: false });
    expect(await timelineAlerts(store, seat.seatId, 0)).toEqual({ cursor: 0, alerts: [], more: false });
  });

  it('lists the targets with activity after sinceSeq in their current state, and covers the newest number', async () => {
    const start = await currentSeq(store, seat.seatId);
    const [a1, b1, a2] = await put(message(seat.phone, 'a', { content: 'a1' }), message(seat.phone, 'b', { content: 'b1' }), message(seat.phone, 'a', { content: 'a2' }));
    await put(message(other.phone, 'not-mine'));
    const end = await currentSeq(store, seat.seatId);
    const answer = await timelineAlertsBySeq(store, seat.seatId, start);
    expect(answer.seq).toBe(end);
    expect(answer.more).toBe(false);
    // Ordered by the conversations' latest cursor: b, then a.
    expect(answer.alerts).toEqual([
      { targetId: b1!.target.id, name: 'b', accountId: seat.accountId, unread: 1, lastContent: 'b1', lastSendTime: b1!.message.sendTime, lastCursor: b1!.cursor },
      { targetId: a1!.target.id, name: 'a', accountId: seat.accountId, unread: 2, lastContent: 'a2', lastSendTime: a2!.message.sendTime, lastCursor: a2!.cursor },
    ]);
    // From the middle: only what came after (a2's number).
    expect((await timelineAlertsBySeq(store, seat.seatId, a2!.seq! - 1)).alerts.map((x) => x.targetId)).toEqual([a1!.target.id]);
    expect(await timelineAlertsBySeq(store, seat.seatId, end)).toEqual({ seq: end, alerts: [], more: false });
    // The hub cursor form answers the same targets.
    const byCursor = await timelineAlerts(store, seat.seatId, a1!.cursor - 1);
    expect(byCursor.cursor).toBe(a2!.cursor);
    expect(byCursor.alerts.map((x) => x.targetId).sort()).toEqual([a1!.target.id, b1!.target.id].sort());
    expect(await latestCursor(store.db)).toBeGreaterThanOrEqual(a2!.cursor);
  });

  it('pages by the position of the last target it covered', async () => {
    const start = await currentSeq(store, seat.seatId);
    await put(...['p', 'q', 'r'].map((from) => message(seat.phone, from)));
    const first = await timelineAlertsBySeq(store, seat.seatId, start, 2);
    expect(first.more).toBe(true);
    expect(first.alerts.map((x) => x.name)).toEqual(['p', 'q']);
    const rest = await timelineAlertsBySeq(store, seat.seatId, first.seq, 2);
    expect(rest).toMatchObject({ more: false, seq: await currentSeq(store, seat.seatId) });
    expect(rest.alerts.map((x) => x.name)).toEqual(['r']);
  });
});
