// dashboard:changed: a burst of signed callbacks for one branch gives at most one push a second
// to that branch's room and to masters/admins, the last change always announced; other
// branches hear nothing; a seat's reply announces its branch's change too.
import { eq, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardChangedPayload } from '../../src/realtime/events.js';
import { dayOf } from '../../src/time.js';
import { inboundMessage, postCallback } from '../helpers/bridge.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { connectSocket, emitWithAck, waitFor, type ClientSocket } from '../helpers/sockets.js';
import { ownedTargetIn } from '../messages/fixtures.js';
import { addSecondBranch, SECOND_BRANCH_PHONES, type SecondBranch } from './org.js';

const TZ = 'Asia/Shanghai';

function timed(socket: ClientSocket) {
  const got: { at: number; payload: DashboardChangedPayload }[] = [];
  socket.on('dashboard:changed', (payload) => got.push({ at: performance.now(), payload }));
  return got;
}

const latestCursor = async (t: TestHub) => {
  const { activity } = t.hub.store.tables;
  return (await t.hub.store.db.select({ c: max(activity.cursor) }).from(activity))[0]!.c;
};

describe('dashboard:changed', () => {
  let t: TestHub;
  let org: SecondBranch;
  const sockets: ClientSocket[] = [];
  const connect = async (username: string, password?: string) => {
    const socket = await connectSocket(t.url, await t.login(username, password));
    sockets.push(socket);
    return socket;
  };
  beforeAll(async () => {
    t = await startHub({ listen: true });
    org = await addSecondBranch(t.hub.store);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t.close();
  });

  it('pushes a burst at most once a second per branch, and announces the last change', async () => {
    const manager = timed(await connect('branch1'));
    const master = timed(await connect('master'));
    const otherBranch = timed(await connect('branch2', 'branch2123'));
    const seat = timed(await connect('seat1'));

    const started = performance.now();
    for (let i = 0; i < 25; i++) {
      const answer = await postCallback(null, 'messageCallback', inboundMessage({ from: { id: `burst-${i % 4}`, name: `突发${i}` } }), { url: t.url });
      expect(answer.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    const last = await latestCursor(t);
    await waitFor(() => manager.at(-1)?.payload.cursor === last, 2500, 'the last change announced');
    const elapsed = performance.now() - started;

    expect(manager.length).toBeGreaterThanOrEqual(2);
    expect(manager.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    for (let i = 1; i < manager.length; i++) expect(manager[i]!.at - manager[i - 1]!.at, `gap ${i}`).toBeGreaterThan(900);
    expect(manager.at(-1)!.payload).toEqual({ branchId: String(org.firstBranchId), date: dayOf(Date.now(), TZ), cursor: last });
    // Masters hear every branch's hint (the same pushes); the other branch and seats hear none.
    await waitFor(() => master.length === manager.length, 1000, 'master got the same pushes');
    expect(master.map((m) => m.payload)).toEqual(manager.map((m) => m.payload));
    expect(otherBranch).toEqual([]);
    expect(seat).toEqual([]);
  });

  it("announces a seat's reply to its branch", async () => {
    const manager = timed(await connect('branch1'));
    const target = await ownedTargetIn(t.hub.store, 'seat1');
    // Past the previous test's window, so the reply is pushed at once.
    await new Promise((r) => setTimeout(r, 1100));
    const socket = await connect('seat1');
    const ack = await emitWithAck(socket, 'message:send', { accountId: String(target.accountId), receId: String(target.targetId), contentType: '1', content: '好的', clientMsgId: 'dash-1' });
    expect(ack.code).toBe(200);
    await waitFor(() => manager.length === 1, 1000, 'dashboard:changed after the reply');
    const { messages } = t.hub.store.tables;
    const [reply] = await t.hub.store.db.select({ cursor: messages.cursor }).from(messages).where(eq(messages.clientMsgId, 'dash-1'));
    expect(manager[0]!.payload).toMatchObject({ branchId: String(org.firstBranchId), cursor: reply!.cursor });
  });

  it('announces seats and accounts going online, and fan corrections, to their branch', async () => {
    const manager = timed(await connect('branch2', 'branch2123'));
    const next = async (what: string, count: number) => {
      await waitFor(() => manager.length === count, 1500, what);
      expect(manager.at(-1)!.payload).toMatchObject({ branchId: String(org.branchId), date: dayOf(Date.now(), TZ) });
      // Past the window, so the next change is pushed at once.
      await new Promise((r) => setTimeout(r, 1100));
    };
    const seatToken = await t.login('seat20', 'branch2123');
    sockets.push(await connectSocket(t.url, seatToken));
    await next('a seat coming online', 1);
    const status = await postCallback(null, 'phoneStatus', { phone: SECOND_BRANCH_PHONES[1], status: 'online' }, { url: t.url });
    expect(status.body.data.changed).toBe(true);
    await next('an account coming online', 2);
    const { accounts } = t.hub.store.tables;
    const [{ id: accountId }] = (await t.hub.store.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, SECOND_BRANCH_PHONES[0]!))) as [{ id: number }];
    const corrected = await t.call('POST', '/xd/client/fans', { token: seatToken, body: { accountId: String(accountId), delta: 2, reason: '线下加粉' } });
    expect(corrected.status).toBe(200);
    await next('a fan correction', 3);
  });
});
