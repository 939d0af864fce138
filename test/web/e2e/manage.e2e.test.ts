// The management side of the console in Chromium against a real hub with a fake bridge:
// permissions that an admin removes vanish from the screen, the dashboard equals the API,
// the branch manager's accounts screen moves an account live, bulk import, group pulls.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../../helpers/bridge.js';
import { startFakeBridge, type FakeBridge } from '../../helpers/fake-bridge.js';
import { EVOLUTION_API_KEY, EVOLUTION_SECRET, evolutionEnvelope, postEvolution, QR_DATA_URL, startFakeEvolution, type FakeEvolution } from '../../helpers/fake-evolution.js';
import { startHub, type TestHub } from '../../helpers/hub.js';
import { targetOwnedBy, userIdIn } from '../../messages/fixtures.js';
import { closedPort, startSocks5, startTarget, type Listening } from '../../proxies/fake-proxies.js';
import { conversation, launchChromium, logIn, newConsole } from './browser.js';

const SHOTS = new URL('../screenshots/', import.meta.url);

describe('the management console in Chromium', () => {
  let bridge: FakeBridge;
  let t: TestHub;
  let browser: Browser;
  let adminToken: string;

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${t.url}${path}`, { method, headers: { token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json() as { code: number; msg: string; data: any } };
  };
  /** The native input of an Element Plus field, whether the test id sits on it or on a wrapper. */
  const field = (page: Page, id: string) => page.locator(`input[data-testid="${id}"], textarea[data-testid="${id}"], [data-testid="${id}"] input, [data-testid="${id}"] textarea`).first();
  const pick = async (page: Page, select: string, option: string) => {
    await page.locator(select).first().click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
  };
  const online = (page: Page) => page.locator('[data-testid="connection-state"][data-state="online"]').waitFor();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    let sends = 0;
    bridge = await startFakeBridge((call) => (call.path === '/send' ? { status: 200, body: { msgId: `bridge-${++sends}` } } : { status: 200, body: {} }));
    t = await startHub({ listen: true, env: { PROTOCOL_URL: bridge.url, PROXY_CHECK_TARGET: '127.0.0.1:443' } });
    browser = await launchChromium();
    adminToken = await t.login('admin');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await bridge?.close();
  });

  it('a permission the admin removes from role seat leaves the seat’s screen at its next navigation, and the hub refuses it', async () => {
    const seat1 = await userIdIn(t.hub.store, 'seat1');
    const zeng = await targetOwnedBy(t.hub.store, seat1, '曾林');
    const { context, page } = await newConsole(browser);
    await logIn(page, t.url, 'seat1');
    await online(page);
    // The navigation is the hub's: a seat sees its workspace and the dashboard, no management.
    expect(await page.getByTestId('nav-Chat').count()).toBe(1);
    expect(await page.getByTestId('nav-Dashboard').count()).toBe(1);
    expect(await page.getByTestId('nav-Accounts').count()).toBe(0);
    await conversation(page, zeng.targetId).click();
    await page.getByTestId('transfer-open').waitFor();

    const roles = (await api(adminToken, 'GET', '/xd/admin/roles')).body.data as { role: string; menuIds: string[] }[];
    const menus = (await api(adminToken, 'GET', '/xd/admin/menus')).body.data as { menuId: string; perms: string }[];
    const transferAdd = menus.find((m) => m.perms === 'client:transfer:add')!.menuId;
    const seatMenus = roles.find((r) => r.role === 'seat')!.menuIds;
    expect(seatMenus).toContain(transferAdd);

    // The admin unticks the seat's "transfer" button in the role permission tree and saves.
    const admin = await newConsole(browser, { height: 900 });
    await logIn(admin.page, t.url, 'admin');
    await online(admin.page);
    await admin.page.getByTestId('nav-Roles').click();
    await admin.page.getByTestId('role-pick-seat').click();
    const node = admin.page.locator('[data-testid="menu-node"][data-perms="client:transfer:add"]');
    await expect.poll(() => node.getAttribute('data-checked')).toBe('true');
    await admin.page.screenshot({ path: new URL('role-permissions.png', SHOTS).pathname });
    await admin.page.locator('.el-tree-node__content', { has: node }).locator('.el-checkbox').click();
    await expect.poll(() => node.getAttribute('data-checked')).toBe('false');
    await admin.page.getByTestId('role-menus-save').click();
    await expect.poll(async () => ((await api(adminToken, 'GET', '/xd/admin/roles')).body.data as { role: string; menuIds: string[] }[]).find((r) => r.role === 'seat')!.menuIds.includes(transferAdd)).toBe(false);
    // Nothing else of the seat's changed.
    const after = ((await api(adminToken, 'GET', '/xd/admin/roles')).body.data as { role: string; menuIds: string[] }[]).find((r) => r.role === 'seat')!.menuIds;
    expect([...after].sort()).toEqual(seatMenus.filter((id) => id !== transferAdd).sort());
    await admin.context.close();

    // Still shown until the seat moves; gone after it goes to the dashboard and back.
    expect(await page.getByTestId('transfer-open').count()).toBe(1);
    await page.getByTestId('nav-Dashboard').click();
    await page.getByTestId('dash-card').first().waitFor();
    await page.getByTestId('nav-Chat').click();
    await conversation(page, zeng.targetId).click();
    await page.getByTestId('fans-count').waitFor();
    await expect.poll(() => page.getByTestId('transfer-open').count()).toBe(0);
    const seatToken = await page.evaluate(() => sessionStorage.getItem('hub.token'));
    const seat2 = await userIdIn(t.hub.store, 'seat2');
    const refused = await api(seatToken!, 'POST', '/xd/client/transfer', { receId: String(zeng.targetId), toCustServId: String(seat2) });
    expect(refused.status).toBe(403);
    expect(refused.body.msg).toContain('client:transfer:add');

    // Given back, it returns at the next navigation.
    expect((await api(adminToken, 'PUT', '/xd/admin/roles/seat/menus', { menuIds: seatMenus })).status).toBe(200);
    await page.getByTestId('nav-Dashboard').click();
    await page.getByTestId('nav-Chat').click();
    await conversation(page, zeng.targetId).click();
    await expect.poll(() => page.getByTestId('transfer-open').count()).toBe(1);
    await context.close();
  });

  it('shows the dashboard’s figures equal to the API’s after a burst of callbacks', async () => {
    const { context, page } = await newConsole(browser);
    await logIn(page, t.url, 'branch1');
    await online(page);
    await page.getByTestId('nav-Dashboard').click();
    await page.getByTestId('dash-card').first().waitFor();
    const branchToken = await page.evaluate(() => sessionStorage.getItem('hub.token'));
    const seat1 = await userIdIn(t.hub.store, 'seat1');
    const zeng = await targetOwnedBy(t.hub.store, seat1, '曾林');
    const before = (await api(branchToken!, 'POST', '/xd/dashboard/summary', {})).body.data as { inbound: number };

    // A burst: 30 inbound from 10 new people and 6 written on the phones themselves.
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) posts.push(postCallback(null, 'messageCallback', inboundMessage({ phone: zeng.phone, from: { id: `burst-${i % 10}`, name: `Burst ${i % 10}` }, content: `burst ${i}` }), { url: t.url }));
    for (let i = 0; i < 6; i++) posts.push(postCallback(null, 'messageCallback', inboundMessage({ phone: zeng.phone, direction: 'out', from: { id: `burst-${i}`, name: `Burst ${i}` }, content: `reply ${i}` }), { url: t.url }));
    await Promise.all(posts);

    const summary = (await api(branchToken!, 'POST', '/xd/dashboard/summary', {})).body.data as Record<string, any>;
    expect(summary.inbound).toBe(before.inbound + 30);
    const card = (key: string) => page.locator(`[data-testid="dash-card"][data-key="${key}"]`).getAttribute('data-value');
    await expect.poll(() => card('inbound'), { timeout: 5000 }).toBe(String(summary.inbound));
    expect(await card('outbound')).toBe(String(summary.outbound));
    expect(await card('newFans')).toBe(String(summary.newFans));
    expect(await card('unreplied')).toBe(String(summary.unreplied));
    expect(await card('seatsOnline')).toBe(`${summary.seatsOnline} / ${summary.seatsTotal}`);
    expect(await card('accountsOnline')).toBe(`${summary.accountsOnline} / ${summary.accountsTotal}`);
    const hourly = page.getByTestId('dash-hourly');
    expect(await hourly.getAttribute('data-inbound')).toBe(summary.hourly.map((h: { inbound: number }) => h.inbound).join(','));
    expect(await hourly.getAttribute('data-outbound')).toBe(summary.hourly.map((h: { outbound: number }) => h.outbound).join(','));
    for (const seat of summary.seats as { custServId: string; inbound: number; outbound: number }[]) {
      const row = page.locator(`[data-testid="dash-seat-row"][data-cust-serv-id="${seat.custServId}"]`);
      expect(await row.getAttribute('data-inbound')).toBe(String(seat.inbound));
      expect(await row.getAttribute('data-outbound')).toBe(String(seat.outbound));
    }
    // Sortable by each column: sorting by outbound puts the busiest seat first.
    await page.locator('[data-testid="dash-seats"] th', { hasText: 'Outbound' }).locator('.caret-wrapper .descending').click();
    const top = [...(summary.seats as { custServId: string; outbound: number }[])].sort((a, b) => b.outbound - a.outbound)[0]!;
    expect(await page.getByTestId('dash-seat-row').first().getAttribute('data-outbound')).toBe(String(top.outbound));
    await page.screenshot({ path: new URL('dashboard.png', SHOTS).pathname, fullPage: true });
    await context.close();
  });
  it('branch1 creates a seat and assigns it an account; the seat, logged in elsewhere, sees it arrive without reloading', async () => {
    // An account of branch1 that nobody works yet (made by the admin: branch managers assign, not create).
    const branch1Id = (await api(await t.login('branch1'), 'GET', '/xd/auth/me')).body.data.branchId as string;
    const made = await api(adminToken, 'POST', '/xd/admin/accounts', { phone: '+8613900000777', platform: 'whatsapp', branchId: branch1Id });
    expect(made.status).toBe(200);
    const accountId = made.body.data.accountId as string;

    const { context, page: manager } = await newConsole(browser);
    await logIn(manager, t.url, 'branch1');
    await online(manager);
    await manager.getByTestId('nav-Users').click();
    await manager.getByTestId('user-create-open').click();
    await field(manager, 'user-create-username').fill('seat9');
    await field(manager, 'user-create-name').fill('Seat Nine');
    await field(manager, 'user-create-password').fill('seat9-password');
    await manager.getByTestId('user-create-submit').click();
    await manager.locator('[data-testid="user-row"][data-username="seat9"]').waitFor();

    // seat9 logs in in its own browser context: no accounts yet.
    const other = await newConsole(browser);
    await logIn(other.page, t.url, 'seat9', 'seat9-password');
    await online(other.page);
    expect(await other.page.getByTestId('account-item').count()).toBe(0);
    await other.page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    await manager.getByTestId('nav-Accounts').click();
    const row = manager.locator(`[data-testid="account-row"][data-account-id="${accountId}"]`);
    await row.waitFor();
    await pick(manager, `[data-testid="account-seat"][data-account-id="${accountId}"]`, 'Seat Nine');
    await expect.poll(() => row.getAttribute('data-seat-id')).not.toBe('');

    const item = other.page.locator(`[data-testid="account-item"][data-account-id="${accountId}"]`);
    await item.waitFor({ timeout: 5000 });
    // The same page, not a reload: the marker set before is still there.
    expect(await other.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    const seat9 = String(await userIdIn(t.hub.store, 'seat9'));
    const stored = await api(adminToken, 'GET', `/xd/admin/accounts?keyword=${encodeURIComponent('+8613900000777')}&pageNo=1&pageSize=10`);
    expect(stored.body.data.rows[0].seatId).toBe(seat9);
    await manager.screenshot({ path: new URL('accounts.png', SHOTS).pathname, fullPage: true });
    await other.context.close();
    await context.close();
  });

  it('branch1 sets a seat’s Telegram link from the wall, and the seat is given it', async () => {
    const { context, page } = await newConsole(browser);
    await logIn(page, t.url, 'branch1');
    await online(page);
    const seat1 = String(await userIdIn(t.hub.store, 'seat1'));
    await page.locator(`[data-testid="seat-telegram-edit"][data-cust-serv-id="${seat1}"]`).click();
    await page.locator('.el-message-box input').fill('https://t.me/north_desk');
    await page.locator('.el-message-box .el-button--primary').click();
    const seatToken = await t.login('seat1');
    await expect.poll(async () => (await api(seatToken, 'GET', '/xd/client/telegramLink')).body.data.link).toBe('https://t.me/north_desk');
    await context.close();
  });

  it('branch1 adds a branch quick reply that seat1 then finds with / in its composer', async () => {
    const { context, page } = await newConsole(browser);
    await logIn(page, t.url, 'branch1');
    await online(page);
    await page.getByTestId('nav-Replies').click();
    await field(page, 'reply-title').fill('Shipping times');
    await field(page, 'reply-body').fill('We ship within 48 hours of payment.');
    await page.getByTestId('reply-create').click();
    await page.locator('[data-testid="reply-row"]', { hasText: 'Shipping times' }).waitFor();
    await context.close();

    const seat = await newConsole(browser);
    await logIn(seat.page, t.url, 'seat1');
    await online(seat.page);
    const zeng = await targetOwnedBy(t.hub.store, await userIdIn(t.hub.store, 'seat1'), '曾林');
    await conversation(seat.page, zeng.targetId).click();
    await field(seat.page, 'composer-input').fill('/ship');
    await seat.page.getByTestId('quick-replies').getByText('Shipping times').waitFor();
    await seat.context.close();
  });

  it('bulk import shows the lines it will skip with their reasons and creates the good ones', async () => {
    const { context, page } = await newConsole(browser);
    await logIn(page, t.url, 'admin');
    await online(page);
    await page.getByTestId('nav-Accounts').click();
    await page.getByTestId('account-import-open').click();
    const branch1Id = (await api(await t.login('branch1'), 'GET', '/xd/auth/me')).body.data.branchId as string;
    const lines = ['phone,platform,branch,seat', '+8613900001001,whatsapp', `+8613900001002,telegram,${branch1Id},seat1`, 'call me maybe', '+8613900001001', '+8613800000001', '+8613900001003,fax', '+8613900001004,,Atlantis'];
    await field(page, 'import-text').fill(lines.join('\n'));
    const preview = page.getByTestId('import-preview');
    await expect.poll(() => preview.getAttribute('data-rows')).toBe('2');
    expect(await preview.getAttribute('data-skipped')).toBe('5');
    const skipped = await page.getByTestId('import-skipped').evaluateAll((items) => items.map((i) => [i.getAttribute('data-line'), i.getAttribute('data-reason')]));
    expect(skipped).toEqual([['4', 'phone'], ['5', 'duplicate'], ['6', 'exists'], ['7', 'platform'], ['8', 'branch']]);
    // Each skipped line says why, in words.
    expect(await page.getByTestId('import-skipped').nth(2).textContent()).toContain('already exists');
    await page.getByTestId('import-submit').click();
    await expect.poll(() => page.getByTestId('import-result').getAttribute('data-created')).toBe('2');
    const stored = await api(adminToken, 'GET', '/xd/admin/accounts?keyword=%2B861390000100&pageNo=1&pageSize=10');
    const phones = (stored.body.data.rows as { phone: string; seatName: string | null }[]).map((r) => r.phone).sort();
    expect(phones).toEqual(['+8613900001001', '+8613900001002']);
    await page.locator('.el-dialog__headerbtn').last().click();
    await page.locator('[data-testid="account-row"]', { hasText: '+8613900001002' }).waitFor();
    await context.close();
  });

  it('imports proxies, shows the lines it skipped, and checks one now', async () => {
    const { context, page } = await newConsole(browser);
    await logIn(page, t.url, 'admin');
    await online(page);
    await page.getByTestId('nav-Proxies').click();
    await page.getByTestId('proxy-import-open').click();
    // Port 1 on loopback refuses at once: a check marks it down without waiting for a timeout.
    await field(page, 'proxy-import-text').fill(['127.0.0.1:1', '198.51.100.7:1080:alice:secret', 'nonsense'].join('\n'));
    await page.getByTestId('proxy-import-submit').click();
    await expect.poll(() => page.getByTestId('proxy-import-result').getAttribute('data-created')).toBe('2');
    expect(await page.getByTestId('proxy-import-result').textContent()).toContain('Line 3');
    await page.locator('.el-dialog__headerbtn').last().click();
    const row = page.locator('[data-testid="proxy-row"]', { hasText: /^socks5:\/\/127\.0\.0\.1:1$/ });
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('unknown');
    await page.locator('.el-table__row', { has: row }).getByTestId('proxy-check').click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('down');
    await context.close();
  });

  it('admin gives an account a proxy of its choice from the free ones, then takes it away', async () => {
    const branch1Id = (await api(await t.login('branch1'), 'GET', '/xd/auth/me')).body.data.branchId as string;
    const made = await api(adminToken, 'POST', '/xd/admin/accounts', { phone: '+8613900000888', platform: 'whatsapp', branchId: branch1Id });
    const accountId = made.body.data.accountId as string;
    // One free proxy and one that a check finds down (a closed loopback port refuses): only the free one is offered.
    const free = (await api(adminToken, 'POST', '/xd/admin/proxies', { host: '203.0.113.40', port: 1080, protocol: 'socks5' })).body.data.proxyId as string;
    const down = (await api(adminToken, 'POST', '/xd/admin/proxies', { host: '127.0.0.1', port: await closedPort(), protocol: 'http' })).body.data.proxyId as string;
    expect((await api(adminToken, 'POST', `/xd/admin/proxies/${down}/check`)).body.data.status).toBe('down');

    const { context, page } = await newConsole(browser);
    await logIn(page, t.url, 'admin');
    await online(page);
    await page.getByTestId('nav-Accounts').click();
    const shown = page.locator(`[data-testid="account-proxy"][data-account-id="${accountId}"]`);
    await shown.waitFor();
    expect(await shown.getAttribute('data-proxy-id')).toBe('');
    await page.locator(`[data-testid="account-proxy-pick"][data-account-id="${accountId}"]`).click();
    await page.locator('[data-testid="account-proxy-select"]').first().click();
    const options = page.locator('.el-select-dropdown__item:visible');
    await options.first().waitFor();
    const labels = await options.allTextContents();
    expect(labels.some((l) => l.startsWith(`#${free} `))).toBe(true);
    expect(labels.some((l) => l.startsWith(`#${down} `))).toBe(false);
    await options.filter({ hasText: new RegExp(`^#${free} `) }).click();
    await page.getByTestId('account-proxy-submit').click();
    await expect.poll(() => shown.getAttribute('data-proxy-id')).toBe(free);
    const stored = async () => (await api(adminToken, 'GET', '/xd/admin/accounts?keyword=%2B8613900000888&pageNo=1&pageSize=5')).body.data.rows[0].proxyId as string | null;
    expect(await stored()).toBe(free);

    // Unassign from the same dialog.
    await page.locator(`[data-testid="account-proxy-pick"][data-account-id="${accountId}"]`).click();
    await page.getByTestId('account-proxy-unassign').click();
    await expect.poll(() => shown.getAttribute('data-proxy-id')).toBe('');
    expect(await stored()).toBeNull();
    await context.close();
  });

  it('master adds a button under a page in the menu editor; it shows in the role tree, and deleting it removes it', async () => {
    const { context, page } = await newConsole(browser, { height: 900 });
    await logIn(page, t.url, 'master');
    await online(page);
    await page.getByTestId('nav-Menus').click();
    const usersPage = page.locator('[data-testid="menu-row"][data-perms="admin:user:query"]');
    await usersPage.waitFor();
    const pageId = (await usersPage.getAttribute('data-menu-id'))!;
    expect(await usersPage.getAttribute('data-type')).toBe('C');
    await page.locator(`[data-testid="menu-add-child"][data-menu-id="${pageId}"]`).click();
    // Under a page the new entry is a button.
    await expect.poll(() => page.locator('[data-testid="menu-form-type-F"]').getAttribute('class')).toContain('is-active');
    await field(page, 'menu-form-name').fill('Export users');
    await field(page, 'menu-form-perms').fill('admin:user:export');
    await page.getByTestId('menu-form-submit').click();
    const created = page.locator('[data-testid="menu-row"][data-perms="admin:user:export"]');
    await created.waitFor();
    expect(await created.getAttribute('data-parent-id')).toBe(pageId);
    expect(await created.getAttribute('data-type')).toBe('F');
    const menuId = (await created.getAttribute('data-menu-id'))!;
    const stored = async () => ((await api(adminToken, 'GET', '/xd/admin/menus')).body.data as { menuId: string; parentId: string; menuType: string; menuName: string; perms: string }[]).find((m) => m.menuId === menuId);
    expect(await stored()).toMatchObject({ parentId: pageId, menuType: 'F', menuName: 'Export users', perms: 'admin:user:export' });

    // The role permission tree offers it, under its page.
    await page.getByTestId('nav-Roles').click();
    await page.getByTestId('role-pick-admin').click();
    const node = page.locator(`[data-testid="menu-node"][data-menu-id="${menuId}"]`);
    await node.waitFor();
    expect(await node.getAttribute('data-perms')).toBe('admin:user:export');

    await page.getByTestId('nav-Menus').click();
    await page.locator(`[data-testid="menu-delete"][data-menu-id="${menuId}"]`).click();
    await expect.poll(() => page.locator(`[data-testid="menu-row"][data-menu-id="${menuId}"]`).count()).toBe(0);
    expect(await stored()).toBeUndefined();
    await context.close();
  });

  describe('with the background proxy checker', () => {
    let target: Listening;
    let socks: Listening;
    let hub: TestHub;

    beforeAll(async () => {
      target = await startTarget();
      socks = await startSocks5();
      hub = await startHub({ listen: true, env: { PROXY_CHECK_TARGET: `127.0.0.1:${target.port}`, PROXY_CHECK_TIMEOUT_MS: '300', PROXY_CHECK_INTERVAL_S: '1' } });
    });
    afterAll(async () => {
      await hub?.close();
      await socks?.close();
      await target?.close();
    });

    it('a proxy that goes down shows down on the pool screen and on its account’s row, without a reload, and still after one', async () => {
      const admin = await hub.login('admin');
      const call = async (method: string, path: string, body?: unknown) =>
        (await fetch(`${hub.url}${path}`, { method, headers: { token: admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<{ data: any }>;
      const proxyId = (await call('POST', '/xd/admin/proxies', { host: '127.0.0.1', port: socks.port, protocol: 'socks5' })).data.proxyId as string;
      expect((await call('POST', `/xd/admin/proxies/${proxyId}/check`)).data.status).toBe('ok');
      const accountId = (await call('GET', `/xd/admin/accounts?keyword=${encodeURIComponent('+8613800000001')}&pageNo=1&pageSize=5`)).data.rows[0].accountId as string;
      await call('PUT', `/xd/admin/accounts/${accountId}`, { proxyId });

      const keeper = await newConsole(browser);
      await logIn(keeper.page, hub.url, 'admin');
      await online(keeper.page);
      await keeper.page.getByTestId('nav-Proxies').click();
      const row = keeper.page.locator(`[data-testid="proxy-row"][data-proxy-id="${proxyId}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-status')).toBe('ok');

      const manager = await newConsole(browser);
      await logIn(manager.page, hub.url, 'branch1');
      await online(manager.page);
      await manager.page.getByTestId('nav-Accounts').click();
      const proxyCell = manager.page.locator(`[data-testid="account-proxy"][data-account-id="${accountId}"]`);
      await proxyCell.waitFor();
      expect(await proxyCell.getAttribute('data-proxy-id')).toBe(proxyId);
      expect(await proxyCell.getAttribute('data-proxy-status')).toBe('');
      for (const page of [keeper.page, manager.page]) await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

      // The proxy stops listening; the checker's next pass finds it down and the hub pushes it.
      await socks.close();
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 8000 }).toBe('down');
      await expect.poll(() => proxyCell.getAttribute('data-proxy-status'), { timeout: 8000 }).toBe('down');
      for (const page of [keeper.page, manager.page]) expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

      // A reload has no push to go by: the tag comes from the accounts list itself.
      await manager.page.reload();
      await online(manager.page);
      await proxyCell.waitFor();
      expect(await manager.page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
      expect(await proxyCell.getAttribute('data-proxy-id')).toBe(proxyId);
      expect(await proxyCell.getAttribute('data-proxy-status')).toBe('down');
      await keeper.context.close();
      await manager.context.close();
    });
  });

  describe('with accounts on Evolution API (QR login, groups)', () => {
    let evo: FakeEvolution;
    let hub: TestHub;

    beforeAll(async () => {
      evo = await startFakeEvolution();
      // A short pacing minute: a pull of a dozen numbers takes a few seconds, in steps.
      hub = await startHub({ listen: true, env: { BRIDGE_DRIVER: 'evolution', EVOLUTION_URL: evo.url, EVOLUTION_API_KEY, EVOLUTION_WEBHOOK_SECRET: EVOLUTION_SECRET, GROUP_PULL_MINUTE_MS: '1500' } });
    });
    afterAll(async () => {
      await hub?.close();
      await evo?.close();
    });

    const accountOf = async (phone: string) => {
      const token = await hub.login('admin');
      const response = await fetch(`${hub.url}/xd/admin/accounts?keyword=${encodeURIComponent(phone)}&pageNo=1&pageSize=5`, { headers: { token } });
      return (await response.json() as { data: { rows: { accountId: string }[] } }).data.rows[0]!.accountId;
    };

    it('shows branch1 the QR of an account that needs a login, as the bridge sends it', async () => {
      const accountId = await accountOf('+8613800000002');
      const { context, page } = await newConsole(browser);
      await logIn(page, hub.url, 'branch1');
      await online(page);
      await page.getByTestId('nav-Accounts').click();
      const row = page.locator(`[data-testid="account-row"][data-account-id="${accountId}"]`);
      await row.waitFor();
      expect(await page.getByTestId('account-qr').count()).toBe(0);
      const answer = await postEvolution(hub.url, evolutionEnvelope('8613800000002', 'qrcode.updated', { qrcode: { instance: '8613800000002', pairingCode: null, code: '2@abc', base64: QR_DATA_URL } }));
      expect(answer.status).toBe(200);
      const qr = page.locator(`[data-testid="account-qr"][data-account-id="${accountId}"]`);
      await qr.waitFor({ timeout: 5000 });
      expect(await qr.getAttribute('src')).toBe(QR_DATA_URL);
      expect(await row.getAttribute('data-status')).toBe('loginRequired');
      // Log in again asks the bridge to restart the instance.
      await page.locator(`[data-testid="account-relogin"][data-account-id="${accountId}"]`).click();
      await expect.poll(() => evo.calls.filter((c) => c.path === '/instance/restart/8613800000002').length).toBe(1);
      // Once online, the QR goes away.
      await postEvolution(hub.url, evolutionEnvelope('8613800000002', 'connection.update', { instance: '8613800000002', wuid: '8613800000002@s.whatsapp.net', state: 'open', statusReason: 200 }));
      await expect.poll(() => row.getAttribute('data-status')).toBe('online');
      // The status and the QR's removal may render in separate updates.
      await expect.poll(() => qr.count()).toBe(0);
      // A QR that arrives once the account is online (a relogin's code, fetched late) changes
      // neither its status nor shows a code to scan.
      const late = await fetch(`${hub.url}/xd/protocol/relogin`, {
        method: 'POST',
        headers: { token: await hub.login('branch1'), 'content-type': 'application/json' },
        body: JSON.stringify({ accountId }),
      });
      expect(late.status).toBe(200);
      await expect.poll(() => evo.calls.filter((c) => c.path === '/instance/connect/8613800000002').length).toBe(2);
      await page.waitForTimeout(300);
      expect(await row.getAttribute('data-status')).toBe('online');
      expect(await qr.count()).toBe(0);
      await context.close();
    });

    it('a group pull created in the UI shows its progress live, step by step, to done', async () => {
      const { context, page } = await newConsole(browser);
      await logIn(page, hub.url, 'branch1');
      await online(page);
      await page.getByTestId('nav-GroupPulls').click();
      await page.getByTestId('group-pull-create-open').click();
      await pick(page, '[data-testid="group-pull-account"]', '+8613800000001');
      await field(page, 'group-pull-name').fill('VIP customers');
      // 01…11: the one ending in 0 is not on WhatsApp (Evolution drops it from the new group,
      // so it goes in the first batch).
      const numbers = Array.from({ length: 11 }, (_, i) => `+4477009002${String(i + 1).padStart(2, '0')}`);
      [numbers[1], numbers[9]] = [numbers[9]!, numbers[1]!];
      await field(page, 'group-pull-members').fill([...numbers, 'not-a-number'].join('\n'));
      await field(page, 'group-pull-per-minute').fill('5');
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { progress: string[] }).progress = seen;
        new MutationObserver(() => {
          const row = document.querySelector('[data-testid="group-pull-row"]');
          const value = row ? `${row.getAttribute('data-status')}:${row.getAttribute('data-done')}/${row.getAttribute('data-total')}` : '';
          if (value && seen.at(-1) !== value) seen.push(value);
        }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-done', 'data-status'] });
      });
      await page.getByTestId('group-pull-submit').click();
      const row = page.getByTestId('group-pull-row').first();
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('done');
      const taskId = (await row.getAttribute('data-task-id'))!;
      const seen = await page.evaluate(() => (window as unknown as { progress: string[] }).progress);
      // Several steps in between, none of them a reload: the row changed where it was.
      const steps = seen.filter((s) => !s.startsWith('done'));
      expect(steps.length).toBeGreaterThanOrEqual(2);
      expect(seen.at(-1)).toBe('done:12/12');

      const token = await page.evaluate(() => sessionStorage.getItem('hub.token'));
      const detail = (await (await fetch(`${hub.url}/xd/client/groupPulls/${taskId}`, { headers: { token: token! } })).json() as { data: { added: number; failed: number; skipped: number; members: { phone: string; state: string }[] } }).data;
      expect(detail).toMatchObject({ added: 10, failed: 1, skipped: 1 });
      // Member results: expand the task.
      await page.locator('[data-testid="group-pulls-table"] .el-table__expand-icon').first().click();
      await page.locator('[data-testid="group-pull-member"][data-phone="+447700900210"][data-state="failed"]').waitFor();
      expect(await page.getByTestId('group-pull-member').count()).toBe(detail.members.length);
      await context.close();
    });
  });
});
