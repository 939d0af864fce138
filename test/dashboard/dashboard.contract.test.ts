// The dashboard over both engines: the same data gives the same summary for every scope, the
// version moves with a write, an asked-for branch that does not exist is a 404, and the
// one-time rebuild of the counters from stored messages counts alike.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboard, type Summary } from '../../src/dashboard/dashboard.js';
import { rebuildDashboardIfMissing } from '../../src/dashboard/rebuild.repository.js';
import { createSummaryRepository } from '../../src/dashboard/summary.repository.js';
import type { Store } from '../../src/db/store.js';
import { dayRange } from '../../src/time.js';
import { startPostgres, type PrivatePostgres } from '../helpers/pg.js';
import { failureCode, freshDatabase, seedOrg, type Org } from '../transfers/store-org.js';

const TZ = 'Asia/Shanghai';
const DAY = '2026-03-01';
const NOW = dayRange(DAY, TZ).start + 10 * 3_600_000;
let cluster: PrivatePostgres | undefined;
let databases = 0;
/** Each engine's answers, compared once both ran. */
const answers: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** Counter rows, fans and waiting conversations for the seeded organisation. */
async function seedFigures(store: Store, org: Org): Promise<void> {
  const { conversations, dashboardHours, fanEvents } = store.tables;
  const [a, b] = org.seats;
  await store.db.insert(dashboardHours).values([
    { day: DAY, branchId: org.branchId, seatId: a!.id, hour: 9, inbound: 4, outbound: 2, activeTargets: 2, replies: 2, replyMs: 90_000 },
    { day: DAY, branchId: org.branchId, seatId: a!.id, hour: 10, inbound: 1, outbound: 3, activeTargets: 0, replies: 1, replyMs: 5_000 },
    { day: DAY, branchId: org.branchId, seatId: b!.id, hour: 10, inbound: 2, outbound: 0, activeTargets: 1, replies: 0, replyMs: 0 },
    { day: DAY, branchId: org.otherBranchId, seatId: org.otherSeat.id, hour: 23, inbound: 7, outbound: 7, activeTargets: 3, replies: 3, replyMs: 3_000_000_000 },
    { day: DAY, branchId: 0, seatId: 0, hour: 0, inbound: 5, outbound: 0, activeTargets: 1, replies: 0, replyMs: 0 },
    { day: '2026-02-28', branchId: org.branchId, seatId: a!.id, hour: 9, inbound: 100, outbound: 100, activeTargets: 9, replies: 9, replyMs: 9 },
  ]);
  for (const [seatId, delta] of [[a!.id, 1], [a!.id, 1], [b!.id, 1], [b!.id, -1], [org.otherSeat.id, 4]] as const) {
    await store.db.insert(fanEvents).values({ seatId, accountId: org.accounts[0]!, targetId: null, day: DAY, delta, reason: null, byUserId: null, createdAt: NOW });
  }
  // Waiting for a reply: seat a's and the unassigned account's conversations.
  for (const targetId of [org.targets[0]!, org.targets[3]!]) {
    await store.db.update(conversations).set({ unansweredSince: NOW - 60_000 }).where(eq(conversations.targetId, targetId));
  }
}

describe.each(['sqlite', 'pg'] as const)('dashboard on %s', (engine) => {
  let store: Store;
  let org: Org;
  let cleanup: () => void;
  let open: () => Promise<Store>;

  beforeAll(async () => {
    ({ open, cleanup } = await freshDatabase(engine, cluster, `t_dashboard_${++databases}`));
    store = await open();
    org = await seedOrg(store);
    await seedFigures(store, org);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    cleanup?.();
  });

  const dashboardOn = (s: Store) =>
    createDashboard({ summaries: createSummaryRepository(s), clock: { now: () => NOW }, tzName: TZ, onlineUsers: async (ids) => new Set(ids.slice(0, 1)) });

  it('sums each scope from the counters, fans, waiting conversations and accounts', async () => {
    const dashboard = dashboardOn(store);
    const org_ = await dashboard.summary(org.master, {});
    expect(org_).toMatchObject({ date: DAY, inbound: 19, outbound: 12, newFans: 6, activeTargets: 7, unreplied: 2, seatsTotal: 3, seatsOnline: 1 });
    // Fans of every enabled seat (seat_c is disabled); accounts: every enabled account, the unassigned one too (two of four online).
    expect([org_.accountsTotal, org_.accountsOnline]).toEqual([4, 2]);
    expect(org_.avgFirstReplySeconds).toBe(Math.round((90_000 + 5_000 + 3_000_000_000) / 6 / 100) / 10);
    const branch = await dashboard.summary(org.manager, {});
    expect(branch).toMatchObject({ inbound: 7, outbound: 5, newFans: 2, unreplied: 1, seatsTotal: 2, accountsTotal: 2, accountsOnline: 1 });
    expect(branch.seats.map((s) => [s.custServId, s.inbound, s.newFans, s.unreplied, s.avgFirstReplySeconds])).toEqual([
      [String(org.seats[0]!.id), 5, 2, 1, 31.7],
      [String(org.seats[1]!.id), 2, 0, 0, null],
    ]);
    expect(await dashboard.summary(org.master, { branchId: String(org.branchId) })).toEqual(branch);
    const seat = await dashboard.summary(org.seats[0]!, {});
    expect(seat).toMatchObject({ inbound: 5, outbound: 5, newFans: 2, unreplied: 1, accountsTotal: 1, accountsOnline: 1, seatsTotal: 1 });
    expect(seat.hourly.filter((h) => h.inbound + h.outbound > 0)).toEqual([
      { hour: 9, inbound: 4, outbound: 2 },
      { hour: 10, inbound: 1, outbound: 3 },
    ]);
    const yesterday = await dashboard.summary(org.seats[0]!, { date: '2026-02-28' });
    answers[engine] = { org: org_, branch, seat, yesterday, other: await dashboard.summary(org.master, { branchId: String(org.otherBranchId) }) };
  });

  it('answers 404 for an unknown branch and 400/403 for bad input', async () => {
    const dashboard = dashboardOn(store);
    expect(await failureCode(dashboard.summary(org.master, { branchId: '999999' }))).toBe(404);
    expect(await failureCode(dashboard.summary(org.master, { date: '2026-02-30' }))).toBe(400);
    expect(await failureCode(dashboard.summary(org.manager, { branchId: String(org.otherBranchId) }))).toBe(403);
  });

  it('moves the version with a write, and keeps it without one', async () => {
    const summaries = createSummaryRepository(store);
    const before = await summaries.version();
    expect(await summaries.version()).toBe(before);
    expect(await summaries.branchExists(org.branchId)).toBe(true);
    expect(await summaries.branchExists(999_999)).toBe(false);
    const dashboard = dashboardOn(store);
    const first = await dashboard.summary(org.seats[1]!, {});
    const { fanEvents } = store.tables;
    await store.db.insert(fanEvents).values({ seatId: org.seats[1]!.id, accountId: org.accounts[1]!, targetId: null, day: DAY, delta: 3, reason: null, byUserId: null, createdAt: NOW });
    expect(await summaries.version()).not.toBe(before);
    expect((await dashboard.summary(org.seats[1]!, {})).newFans).toBe(first.newFans + 3);
  });

  it('builds missing counters from stored messages once', async () => {
    const fresh = await freshDatabase(engine, cluster, `t_dashboard_${++databases}`);
    const s = await fresh.open();
    try {
      const o = await seedOrg(s);
      const { conversations, dashboardHours, messages } = s.tables;
      expect(await rebuildDashboardIfMissing(s, TZ)).toBe(false); // nothing to count
      const at = (minutes: number) => NOW + minutes * 60_000;
      const rows = [
        [o.targets[0]!, 1, at(0)],
        [o.targets[0]!, 1, at(1)],
        [o.targets[0]!, 0, at(3)],
        [o.targets[1]!, 1, at(70)],
        [o.targets[3]!, 1, at(5)],
      ] as const;
      for (const [i, [targetId, sender, sendTime]] of rows.entries()) {
        const [conversation] = await s.db.select().from(conversations).where(eq(conversations.targetId, targetId));
        await s.db.insert(messages).values({ accountId: conversation!.accountId, targetId, sender, contentType: '1', sendTime, status: 'received', cursor: i + 1 });
      }
      expect(await rebuildDashboardIfMissing(s, TZ)).toBe(true);
      expect(await rebuildDashboardIfMissing(s, TZ)).toBe(false);
      const counters = await s.db.select().from(dashboardHours);
      const waiting = await s.db.select({ targetId: conversations.targetId, since: conversations.unansweredSince, day: conversations.activeDay }).from(conversations);
      const summary = await dashboardOn(s).summary(o.master, {});
      expect(summary).toMatchObject({ inbound: 4, outbound: 1, activeTargets: 3, unreplied: 2, avgFirstReplySeconds: 180 });
      answers[`${engine}:rebuilt`] = {
        counters: counters.map(({ day, hour, inbound, outbound, activeTargets, replies, replyMs }) => ({ day, hour, inbound, outbound, activeTargets, replies, replyMs })).sort((x, y) => x.hour - y.hour || x.inbound - y.inbound),
        waiting: waiting.sort((x, y) => x.targetId - y.targetId).map(({ since, day }) => ({ since, day })),
        summary,
      };
    } finally {
      await s.close();
      fresh.cleanup();
    }
  });
});

describe('dashboard on both engines', () => {
  it('answers the same summaries and builds the same counters', () => {
    const strip = (s: unknown) => JSON.parse(JSON.stringify(s)) as Summary;
    expect(strip(answers.pg)).toEqual(strip(answers.sqlite));
    expect(strip(answers['pg:rebuilt'])).toEqual(strip(answers['sqlite:rebuilt']));
    expect(answers.sqlite).toBeDefined();
  });
});
