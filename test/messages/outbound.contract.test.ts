// Replies, status moves, read marks and webhook ids on both engines: a send stored once per
// clientMsgId, statuses only forward and once per webhook id, stale pending replies failed,
// read and recall keeping unreadCount and taking one stream number per message.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { createInboundStore } from '../../src/messages/inbound.repository.js';
import {
  applyBridgeStatus,
  createPendingMessage,
  failStalePending,
  markAccepted,
  markFailed,
  sendRequestOf,
  type PendingInput,
} from '../../src/messages/outbound.repository.js';
import { updateMessages } from '../../src/messages/read.repository.js';
import { claimWebhookId } from '../../src/messages/webhook-ids.repository.js';
import { ENGINES, engineStores, message, seedSeat, TZ, type SeatFixture } from './store-fixtures.js';

describe.each(ENGINES)('replies and read marks on %s', (engine) => {
  const engines = engineStores(engine);
  let store: Store;
  let seat: SeatFixture;
  let targetId: number;
  let n = 0;

  beforeAll(async () => {
    await engines.start();
    ({ store } = await engines.fresh());
    seat = await seedSeat(store, 'seat-o', '+400');
    const inbound = message(seat.phone, 'buyer');
    const [outcome] = await createInboundStore(store).storeBatch([{ input: inbound, options: { tzName: TZ, now: inbound.sendTime } }]);
    if (!outcome || !('ok' in outcome) || outcome.ok.duplicate) throw new Error('seed message not stored');
    targetId = outcome.ok.target.id;
  }, 60_000);
  afterAll(() => engines.stop());

  const pending = (overrides: Partial<PendingInput> = {}): PendingInput => ({
    seatId: seat.seatId,
    tzName: TZ,
    accountId: seat.accountId,
    targetId,
    contentType: '1',
    content: `reply ${++n}`,
    clientMsgId: `c-${n}`,
    now: Date.now(),
    ...overrides,
  });
  const seqOf = async () => {
    const { seatStreams } = store.tables;
    return (await store.db.select({ seq: seatStreams.seq }).from(seatStreams).where(eq(seatStreams.seatId, seat.seatId)))[0]!.seq;
  };

  it('stores a reply pending once per clientMsgId, as the conversation\'s last message, answering the open wait', async () => {
    const { conversations, dashboardHours } = store.tables;
    const before = await seqOf();
    const input = pending({ content: 'hi there' });
    const created = await createPendingMessage(store, input);
    expect(created).toMatchObject({ created: true, seq: before + 1, branchId: seat.branchId, message: { status: 'pending', sender: 0, content: 'hi there' } });
    const again = await createPendingMessage(store, { ...input, content: 'other' });
    expect(again).toEqual({ created: false, message: created.message });
    const [conversation] = await store.db.select().from(conversations).where(eq(conversations.targetId, targetId));
    expect(conversation).toMatchObject({ lastMessageId: created.message.id, lastContent: 'hi there', unansweredSince: null });
    const hours = await store.db.select().from(dashboardHours).where(eq(dashboardHours.seatId, seat.seatId));
    expect(hours.reduce((sum, h) => sum + h.outbound, 0)).toBe(1);
    expect(hours.reduce((sum, h) => sum + h.replies, 0)).toBe(1);
    expect(await sendRequestOf(store, created.message.id)).toMatchObject({ phone: seat.phone, to: 'buyer', content: 'hi there', clientMsgId: input.clientMsgId, status: 'pending' });
    expect(await sendRequestOf(store, 999_999)).toBeUndefined();
  });

  it('answers the same clientMsgId sent at once twice with one reply', async () => {
    const input = pending();
    const [a, b] = await Promise.all([createPendingMessage(store, input), createPendingMessage(store, input)]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.message.id).toBe(b.message.id);
  });

  it('moves a reply sent, then only forward, once per webhook id', async () => {
    const created = await createPendingMessage(store, pending());
    const id = created.message.id;
    const sent = await markAccepted(store, id, 'bridge-1', Date.now());
    expect(sent).toMatchObject({ messageId: id, seatId: seat.seatId, status: 'sent', targetId });
    expect(await markAccepted(store, id, 'bridge-1', Date.now())).toBeNull();
    const report = { phone: seat.phone, msgId: 'bridge-1', status: 'delivered' as const };
    const delivered = await applyBridgeStatus(store, report, { now: Date.now(), webhookId: 'st-1' });
    expect(delivered).toMatchObject({ duplicate: false, messageId: id, status: 'delivered', change: { status: 'delivered', seq: sent!.seq! + 1 } });
    expect(await applyBridgeStatus(store, { ...report, status: 'read' }, { now: Date.now(), webhookId: 'st-1' })).toEqual({ duplicate: true, messageId: id, status: 'delivered' });
    // Backwards is refused without a change; failed only before delivery.
    expect(await applyBridgeStatus(store, { ...report, status: 'sent' }, { now: Date.now() })).toEqual({ duplicate: false, messageId: id, status: 'delivered', change: null });
    expect(await markFailed(store, id, 'late', Date.now())).toBeNull();
  });

  it('answers 404 for an unknown phone or msgId', async () => {
    await expect(applyBridgeStatus(store, { phone: '+999', msgId: 'x', status: 'sent' }, { now: 0 })).rejects.toMatchObject({ code: 404, message: expect.stringMatching(/phone/) });
    await expect(applyBridgeStatus(store, { phone: seat.phone, msgId: 'nope', status: 'sent' }, { now: 0 })).rejects.toMatchObject({ code: 404, message: expect.stringMatching(/msgId/) });
  });

  it('keeps an echo\'s bridge id when the bridge already stored the send as a callback', async () => {
    const { messages } = store.tables;
    const echo = message(seat.phone, 'buyer', { direction: 'out', msgId: 'echoed' });
    await createInboundStore(store).storeBatch([{ input: echo, options: { tzName: TZ, now: echo.sendTime } }]);
    const created = await createPendingMessage(store, pending());
    expect(await markAccepted(store, created.message.id, 'echoed', Date.now())).toMatchObject({ status: 'sent' });
    const [row] = await store.db.select().from(messages).where(eq(messages.id, created.message.id));
    expect(row).toMatchObject({ status: 'sent', bridgeMsgId: null });
  });

  it('fails replies left pending past the cutoff, and only those', async () => {
    const old = await createPendingMessage(store, pending({ now: 1000 }));
    const fresh = await createPendingMessage(store, pending());
    const changes = await failStalePending(store, 5000, 'hub stopped', Date.now());
    expect(changes.map((c) => c.messageId)).toEqual([old.message.id]);
    expect(changes[0]).toMatchObject({ status: 'failed', reason: 'hub stopped' });
    expect(await markFailed(store, fresh.message.id, 'bridge refused', Date.now())).toMatchObject({ status: 'failed', reason: 'bridge refused' });
  });

  it('marks listed, then all, inbound messages read with one number each, and unread again', async () => {
    const { conversations } = store.tables;
    const inputs = [message(seat.phone, 'reader'), message(seat.phone, 'reader'), message(seat.phone, 'reader')];
    const outcomes = await createInboundStore(store).storeBatch(inputs.map((input) => ({ input, options: { tzName: TZ, now: input.sendTime } })));
    const ids = outcomes.map((o) => ('ok' in o && !o.ok.duplicate ? o.ok.messageId : -1));
    const reader = 'ok' in outcomes[0]! && !outcomes[0].ok.duplicate ? outcomes[0].ok.target.id : -1;
    const unread = async () => (await store.db.select().from(conversations).where(eq(conversations.targetId, reader)))[0]!;
    const before = await seqOf();
    const listed = await updateMessages(store, { seatId: seat.seatId, targetId: reader, action: 'read', msgIds: [ids[1]!], now: Date.now() });
    expect(listed).toMatchObject({ updated: [{ id: ids[1], readState: 1 }], seq: before + 1 });
    expect((await unread()).unreadCount).toBe(2);
    const all = await updateMessages(store, { seatId: seat.seatId, targetId: reader, action: 'read', now: Date.now() });
    expect(all.updated.map((u) => u.id)).toEqual([ids[0], ids[2]]);
    expect(all.seq).toBe(before + 3);
    expect(await unread()).toMatchObject({ unreadCount: 0, readUpToMessageId: ids[2] });
    expect(await updateMessages(store, { seatId: seat.seatId, targetId: reader, action: 'read', now: Date.now() })).toEqual({ updated: [], cursor: null, seq: null });
    await updateMessages(store, { seatId: seat.seatId, targetId: reader, action: 'read', msgIds: [ids[0]!], readState: 0, now: Date.now() });
    expect(await unread()).toMatchObject({ unreadCount: 1, readUpToMessageId: ids[2] });
  });

  it('recalls only the seat\'s own replies that went out', async () => {
    const mine = await createPendingMessage(store, pending());
    const inbound = (await store.db.select({ id: store.tables.messages.id }).from(store.tables.messages).where(eq(store.tables.messages.sender, 1)))[0]!.id;
    const result = await updateMessages(store, { seatId: seat.seatId, targetId, action: 'recall', msgIds: [mine.message.id, inbound], now: Date.now() });
    expect(result.updated).toEqual([{ id: mine.message.id, status: 'recalled' }]);
  });

  it('claims a webhook id once', async () => {
    expect(await store.transaction((tx) => claimWebhookId(tx, 'claim-1', 'messageStatus', 1))).toBe(true);
    expect(await store.transaction((tx) => claimWebhookId(tx, 'claim-1', 'messageStatus', 2))).toBe(false);
  });
});
