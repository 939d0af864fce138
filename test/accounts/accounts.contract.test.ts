// The accounts a caller sees, on both engines: by scope, by id, numbers as numbers, and unread
// counted only over the conversations the account's own seat still owns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsRepository, type AccountsRepository } from '../../src/accounts/accounts.repository.js';
import { addConversation, addOrg, cst, type Org } from '../conversations/contract-data.js';
import { ENGINES, startEngine, type Engines } from '../conversations/engines.js';

describe.each(ENGINES)('visible accounts on %s', (engine) => {
  let engines: Engines;
  let org: Org;
  let accounts: AccountsRepository;

  beforeAll(async () => {
    engines = await startEngine(engine);
    const store = await engines.fresh();
    org = await addOrg(store);
    const at = cst('2023-07-01', '09:00:00');
    const talk = (accountId: number, seatId: number, uid: string, unread: number) =>
      addConversation(store, { accountId, seatId, uid, name: uid, unread, messages: [{ content: 'hi', sendTime: at }] });
    await talk(org.account1, org.seat1, 'a', 2);
    await talk(org.account1, org.seat1, 'b', 3);
    // Transferred to seat2: seat2's to read, not counted on seat1's account.
    await talk(org.account1, org.seat2, 'c', 40);
    await talk(org.account2, org.seat2, 'd', 1);
    accounts = createAccountsRepository(store);
  }, 120_000);
  afterAll(() => engines?.close());

  it("answers a seat its own accounts with the unread of the conversations it owns", async () => {
    expect(await accounts.visibleAccounts({ kind: 'seat', seatId: org.seat1 })).toEqual([
      { accountId: org.account1, phone: '+861', platform: 'whatsapp', status: 'online', statusReason: null, seatId: org.seat1, unread: 5 },
      { accountId: org.account1b, phone: '+862', platform: 'whatsapp', status: 'online', statusReason: null, seatId: org.seat1, unread: 0 },
    ]);
  });

  it("answers a branch its seats' accounts, everyone every held account, nobody nothing", async () => {
    const ids = async (scope: Parameters<AccountsRepository['visibleAccounts']>[0]) =>
      (await accounts.visibleAccounts(scope)).map((a) => [a.accountId, a.unread]);
    expect(await ids({ kind: 'branch', branchId: org.branch1 })).toEqual([
      [org.account1, 5],
      [org.account1b, 0],
      [org.account2, 1],
    ]);
    expect(await ids({ kind: 'branch', branchId: org.branch2 })).toEqual([[org.account3, 0]]);
    expect(await ids({ kind: 'all' })).toEqual([
      [org.account1, 5],
      [org.account1b, 0],
      [org.account2, 1],
      [org.account3, 0],
    ]);
    expect(await accounts.visibleAccounts({ kind: 'none' })).toEqual([]);
  });
});
