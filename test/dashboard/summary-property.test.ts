// The dashboard's counters against figures computed from scratch: random traffic (inbound and
// outbound callbacks in group-commit batches, seats' replies through the send path, duplicates
// and bad items) over two days and two branches, then every scope's summary equals what the
// stored messages say.
import { and, count, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/db/store.js';
import { createInboundStore, type BatchItem } from '../../src/messages/inbound.repository.js';
import { createPendingMessage } from '../../src/messages/outbound.repository.js';
import { dayRange } from '../../src/time.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { expectedSummary, type ExpectedScope } from './expected.js';
import { addSecondBranch, SECOND_BRANCH_PHONES, UNASSIGNED_PHONE } from './org.js';

const TZ = 'Asia/Shanghai';
const DAYS = ['2026-03-01', '2026-03-02'];
const PHONES = ['+8613800000001', '+8613800000003', ...SECOND_BRANCH_PHONES, UNASSIGNED_PHONE];

const Op = fc.record({
  kind: fc.constantFrom('in', 'in', 'in', 'out', 'send', 'send', 'dupe', 'bad'),
  phone: fc.integer({ min: 0, max: PHONES.length - 1 }),
  target: fc.integer({ min: 0, max: 5 }),
  gapMs: fc.integer({ min: 0, max: 240_000 }),
  batch: fc.integer({ min: 1, max: 8 }),
});
type Op = typeof Op extends fc.Arbitrary<infer T> ? T : never;

async function conversationOf(store: Store, phone: string, uid: string) {
  const { accounts: a, conversations: c, targets: t } = store.tables;
  const [row] = await store.db
    .select({ targetId: c.targetId, accountId: c.accountId, seatId: c.seatId })
    .from(c)
    .innerJoin(t, eq(t.id, c.targetId))
    .innerJoin(a, eq(a.id, t.accountId))
    .where(and(eq(a.phone, phone), eq(t.platformUid, uid)));
  return row;
}

const messageCount = async (store: Store) => (await store.db.select({ n: count() }).from(store.tables.messages))[0]!.n;

/** Stores the ops through the ingest repository (batched) and the send path; returns how many were stored. */
async function play(t: TestHub, ops: Op[], startOffset: number): Promise<number> {
  const inbound = createInboundStore(t.hub.store);
  let time = dayRange(DAYS[0]!, TZ).start + startOffset;
  let batch: BatchItem[] = [];
  let stored = 0;
  const lastMsgId = new Map<string, string>();
  const flush = async () => {
    if (batch.length === 0) return;
    for (const outcome of await inbound.storeBatch(batch)) if ('ok' in outcome && !outcome.ok.duplicate) stored += 1;
    batch = [];
  };
  for (const [i, op] of ops.entries()) {
    time += op.gapMs;
    const phone = PHONES[op.phone]!;
    const uid = `t${op.target}`;
    if (op.kind === 'send') {
      const conversation = await conversationOf(t.hub.store, phone, uid);
      if (conversation?.seatId != null) {
        await flush();
        const result = await createPendingMessage(t.hub.store, { ...conversation, seatId: conversation.seatId, contentType: '1', content: `reply ${i}`, clientMsgId: `c${i}`, now: time, tzName: TZ });
        if (result.created) stored += 1;
        continue;
      }
    }
    const msgId = op.kind === 'dupe' ? (lastMsgId.get(phone) ?? `m${i}`) : `m${i}`;
    batch.push({
      input: {
        phone: op.kind === 'bad' ? '+19990000000' : phone,
        msgId,
        direction: op.kind === 'out' || op.kind === 'send' ? 'out' : 'in',
        from: { id: uid, name: `对象${op.target}` },
        contentType: '1',
        content: `text ${i}`,
        sendTime: time,
      },
      options: { tzName: TZ, now: time, webhookId: `wh-${i}` },
    });
    lastMsgId.set(phone, msgId);
    if (batch.length >= op.batch) await flush();
  }
  await flush();
  return stored;
}

const withoutPresence = (summary: any) => {
  const { seatsOnline: _online, ...rest } = summary;
  return { ...rest, seats: rest.seats.map(({ online: _o, ...seat }: any) => seat) };
};

describe('dashboard summary equals counts from scratch', () => {
  it('for random traffic over two days and two branches, in every scope', async () => {
    let runs = 0;
    let messages = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(Op, { minLength: 800, maxLength: 1200 }), fc.integer({ min: 0, max: 12 * 3600_000 }), async (ops, startOffset) => {
        const t = await startHub();
        try {
          const org = await addSecondBranch(t.hub.store);
          const before = await messageCount(t.hub.store);
          const stored = await play(t, ops, startOffset);
          const after = await messageCount(t.hub.store);
          expect(after - before).toBe(stored);
          messages += stored;
          runs += 1;

          const master = await t.login('master');
          const manager = await t.login('branch1');
          const seat = await t.login('seat20', 'branch2123');
          const asks: [string, { branchId?: string }, ExpectedScope][] = [
            [master, {}, { kind: 'org' }],
            [master, { branchId: String(org.branchId) }, { kind: 'branch', branchId: org.branchId }],
            [manager, {}, { kind: 'branch', branchId: org.firstBranchId }],
            [seat, {}, { kind: 'seat', seatId: org.seats[0]! }],
          ];
          for (const day of DAYS) {
            for (const [token, body, scope] of asks) {
              const { status, body: answer } = await t.call('POST', '/xd/dashboard/summary', { token, body: { ...body, date: day } });
              expect(status).toBe(200);
              expect(withoutPresence(answer.data), `${scope.kind} ${day}`).toEqual(await expectedSummary(t.hub.store, TZ, scope, day));
            }
          }
        } finally {
          await t.close();
        }
      }),
      // Every run starts a hub: report the first failure as it is rather than shrink it for minutes.
      { numRuns: 4, endOnFailure: true },
    );
    expect(runs).toBe(4);
    // "A few thousand random messages" in all.
    expect(messages).toBeGreaterThan(1500);
  }, 120_000);
});
