// The management side of the console in Chromium against a real hub with a fake bridge:
// permissions that an admin removes vanish from the screen, the dashboard equals the API,
// the branch manager's accounts screen moves an account live, bulk import, group pulls.
import { mkdirSync, rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../../helpers/bridge.js';
import { findOwnedTarget, userId } from '../../helpers/demo.js';
import { startFakeBridge, type FakeBridge } from '../../helpers/fake-bridge.js';
import { startHub, type TestHub } from '../../helpers/hub.js';
import { conversation, launchChromium, logIn, newConsole } from './browser.js';

const SHOTS = new URL('../screenshots/', import.meta.url);

describe('the management console in Chromium', () => {
  let bridge: FakeBridge;
  let t: TestHub;
  let browser: Browser;
  let adminToken: string;

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${t.url}${path}`, { method, headers: { token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { code: number; msg: string; data: any } };
  };
  const online = (page: Page) => page.locator('[data-testid="connection-state"][data-state="online"]').waitFor();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    let sends = 0;
    bridge = await startFakeBridge((call) => (call.path === '/send' ? { status: 200, body: { msgId: `bridge-${++sends}` } } : { status: 200, body: {} }));
    t = await startHub({ listen: true, env: { PROTOCOL_URL: bridge.url } });
    browser = await launchChromium();
    adminToken = await t.login('admin');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.hub.close();
    await bridge?.close();
    if (t) rmSync(t.dir, { recursive: true, force: true });
  });

  it('a permission the admin removes from role seat leaves the seat’s screen at its next navigation, and the hub refuses it', async () => {
    const seat1 = userId(t.hub.database.db, 'seat1');
    const zeng = findOwnedTarget(t.hub.database.db, seat1, '曾林');
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
    const changed = await api(adminToken, 'PUT', '/xd/admin/roles/seat/menus', { menuIds: seatMenus.filter((id) => id !== transferAdd) });
    expect(changed.status).toBe(200);

    // Still shown until the seat moves; gone after it goes to the dashboard and back.
    expect(await page.getByTestId('transfer-open').count()).toBe(1);
    await page.getByTestId('nav-Dashboard').click();
    await page.getByTestId('dash-card').first().waitFor();
    await page.getByTestId('nav-Chat').click();
    await conversation(page, zeng.targetId).click();
    await page.getByTestId('fans-count').waitFor();
    await expect.poll(() => page.getByTestId('transfer-open').count()).toBe(0);
    const seatToken = await page.evaluate(() => sessionStorage.getItem('hub.token'));
    const seat2 = userId(t.hub.database.db, 'seat2');
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
    const seat1 = userId(t.hub.database.db, 'seat1');
    const zeng = findOwnedTarget(t.hub.database.db, seat1, '曾林');
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
});
