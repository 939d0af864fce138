import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBridgeMessages } from '../helpers/bridge-seed.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { cst, inbound, SEAT1_PHONE, SEAT2_PHONE, SEAT3_PHONE, setUpCallers, type Callers } from '../conversations/fixtures.js';

describe('POST /xd/client/getAccounts', () => {
  let t: TestHub;
  let c: Callers;
  const accountsOf = async (token: string) => {
    const { status, body } = await t.call('POST', '/xd/client/getAccounts', { token, body: {} });
    expect(status).toBe(200);
    return body.data as { accountId: string; phone: string; platform: string; status: string; unread: number; custServId: string | null }[];
  };
  const phones = async (token: string) => (await accountsOf(token)).map((a) => a.phone);

  beforeAll(async () => {
    t = await startHub();
    c = await setUpCallers(t);
  });
  afterAll(() => t.close());

  it("lists a seat's own accounts with phone, platform, status and unread", async () => {
    const before = await accountsOf(c.seat1.token);
    expect(before.map((a) => a.phone)).toEqual(['+8613800000001', SEAT1_PHONE]);
    expect(before[1]).toEqual({
      accountId: expect.stringMatching(/^[1-9]\d*$/),
      phone: SEAT1_PHONE,
      platform: 'telegram',
      status: 'online',
      statusReason: null,
      custServId: c.seat1.id,
      unread: 0,
    });

    const at = cst('2023-07-01', '10:00:00');
    await seedBridgeMessages(t, [
      inbound(SEAT1_PHONE, 'u1', 'm1', at),
      inbound(SEAT1_PHONE, 'u1', 'm2', at + 1),
      inbound(SEAT1_PHONE, 'u2', 'm3', at + 2),
      { ...inbound(SEAT1_PHONE, 'u2', 'm4', at + 3), direction: 'out' },
    ]);
    const after = await accountsOf(c.seat1.token);
    expect(after[1]!.unread).toBe(3);
    // the demo account's unread is untouched
    expect(after[0]!.unread).toBe(before[0]!.unread);
  });

  it('stops counting a conversation once it is transferred to another seat', async () => {
    const [seeded] = await seedBridgeMessages(t, [inbound(SEAT2_PHONE, 'u9', 'x1', cst('2023-07-01', '11:00:00'))]);
    const seat2Before = (await accountsOf(c.seat2.token)).find((a) => a.phone === SEAT2_PHONE)!.unread;
    const { conversations } = t.hub.store.tables;
    await t.hub.store.db.update(conversations).set({ seatId: Number(c.seat1.id) }).where(eq(conversations.targetId, Number(seeded!.receId)));
    const seat2After = (await accountsOf(c.seat2.token)).find((a) => a.phone === SEAT2_PHONE)!.unread;
    expect(seat2After).toBe(seat2Before - 1);
    // the account stays listed for the seat it is assigned to only
    expect(await phones(c.seat1.token)).not.toContain(SEAT2_PHONE);
  });

  it('lists the branch for its supervisor and manager, everything for master and admin', async () => {
    const branch1 = ['+8613800000001', '+8613800000002', '+8613800000003', '+8613800000004'];
    expect(await phones(c.seat2.token)).toEqual(branch1.slice(2));
    expect(await phones(c.super1.token)).toEqual(branch1);
    expect(await phones(c.branch1.token)).toEqual(branch1);
    expect(await phones(c.branch2.token)).toEqual([SEAT3_PHONE]);
    expect(await phones(c.super2.token)).toEqual([SEAT3_PHONE]);
    expect(await phones(c.seat3.token)).toEqual([SEAT3_PHONE]);
    expect(await phones(c.master.token)).toEqual([...branch1, SEAT3_PHONE]);
    expect(await phones(c.admin.token)).toEqual([...branch1, SEAT3_PHONE]);
  });

  it('needs a token and takes no fields', async () => {
    expect((await t.call('POST', '/xd/client/getAccounts', { body: {} })).status).toBe(401);
    const extra = await t.call('POST', '/xd/client/getAccounts', { token: c.seat1.token, body: { custServId: c.seat2.id } });
    expect(extra.status).toBe(200);
    expect(extra.body.data.map((a: { phone: string }) => a.phone)).toEqual(['+8613800000001', SEAT1_PHONE]);
    const none = await t.hub.app.inject({ method: 'POST', url: '/xd/client/getAccounts', headers: { token: c.seat1.token } });
    expect(none.statusCode).toBe(200);
    expect(none.json().data).toHaveLength(2);
  });
});
