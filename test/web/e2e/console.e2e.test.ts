// The console in Debian's Chromium against a real hub (port 0, SQLite in a temp dir, or a fresh
// PostgreSQL database on the PostgreSQL pass) with a
// fake bridge: log in, live pushes, replies and their ticks, a cut network and a restarted hub,
// the supervisor's live watch, and a wrong password. Screenshots go to test/web/screenshots/.
import { mkdirSync, rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessage, postCallback } from '../../helpers/bridge.js';
import { startFakeBridge, type FakeBridge } from '../../helpers/fake-bridge.js';
import { startHub, type TestHub } from '../../helpers/hub.js';
import { targetOwnedBy, userIdIn } from '../../messages/fixtures.js';
import { conversation, launchChromium, logIn, message, newConsole, renderedMsgIds } from './browser.js';
import { startFaultProxy, type FaultProxy } from './tcp-proxy.js';

const SHOTS = new URL('../screenshots/', import.meta.url);

describe('the console in Chromium', () => {
  let bridge: FakeBridge;
  let t: TestHub;
  let hubUrl: string;
  let proxy: FaultProxy;
  let browser: Browser;
  let seat: Page;
  let seatToken: string;
  let seat1Id: number;
  let zeng: Awaited<ReturnType<typeof targetOwnedBy>>;
  let maria: Awaited<ReturnType<typeof targetOwnedBy>>;
  const dirs: string[] = [];
  // Every hub started, the restarted one too: closing each releases its database.
  const hubs: TestHub[] = [];

  /** A signed inbound callback from a demo target of seat1; resolves with the hub's msgId. */
  async function inbound(target: typeof zeng, name: string, content: string): Promise<string> {
    const answer = await postCallback(null, 'messageCallback', inboundMessage({ phone: target.phone, from: { id: target.platformUid, name }, content }), { url: hubUrl });
    expect(answer.status).toBe(200);
    return answer.body.data.msgId as string;
  }

  async function seatUnread(receId: number): Promise<number> {
    const answer = await fetch(`${hubUrl}/xd/client/getConversations`, {
      method: 'POST',
      headers: { token: seatToken, 'content-type': 'application/json' },
      body: JSON.stringify({ custServId: String(seat1Id) }),
    });
    const rows = ((await answer.json()) as { data: { receId: string; unread: number }[] }).data;
    return rows.find((r) => r.receId === String(receId))?.unread ?? 0;
  }

  const badge = (page: Page, receId: number) => conversation(page, receId).getByTestId('unread-badge');

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    let sends = 0;
    bridge = await startFakeBridge((call) => (call.path === '/send' ? { status: 200, body: { msgId: `bridge-${++sends}` } } : { status: 200, body: {} }));
    t = await startHub({ listen: true, env: { PROTOCOL_URL: bridge.url } });
    hubs.push(t);
    dirs.push(t.dir);
    hubUrl = t.url;
    proxy = await startFaultProxy(Number(new URL(t.url).port));
    browser = await launchChromium();
    seat1Id = await userIdIn(t.hub.store, 'seat1');
    zeng = await targetOwnedBy(t.hub.store, seat1Id, '曾林');
    maria = await targetOwnedBy(t.hub.store, seat1Id, 'Maria Silva');
    seatToken = await t.login('seat1');
    // A working morning: a few more people have written to seat1's accounts.
    const people = ['Ahmed Hassan', 'Lucía Fernández', 'Nguyen Van An', '王芳', 'Olivia Brown', 'Kenji Sato'];
    for (const [i, name] of people.entries()) {
      const phone = i % 2 === 0 ? zeng.phone : maria.phone;
      await postCallback(null, 'messageCallback', inboundMessage({ phone, from: { id: `e2e-${i}`, name, convType: i % 3 === 0 ? 'biDirFriend' : 'stranger' }, content: ['Is the blue one in stock?', '¿Cuánto cuesta el envío?', 'Can I pay on delivery?', '请问什么时候发货？', 'Thanks, received it!', 'Do you ship to Osaka?'][i]! }), { url: hubUrl });
    }
    await inbound(maria, 'Maria Silva', 'I would like two of them, please.');
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    for (const hub of hubs.reverse()) await hub.close();
    await bridge?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the hub’s message for a wrong password and stays on the login page', async () => {
    const { context, page } = await newConsole(browser);
    await logIn(page, hubUrl, 'seat1', 'not-the-password');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/\S/);
    const expected = await fetch(`${hubUrl}/xd/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'seat1', password: 'also-wrong' }) });
    expect(await page.getByTestId('login-error').textContent()).toBe(((await expected.json()) as { msg: string }).msg);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('logs seat1 in: accounts with status, the timeline, online', async () => {
    ({ page: seat } = await newConsole(browser));
    await logIn(seat, proxy.url, 'seat1');
    await seat.locator('[data-testid="connection-state"][data-state="online"]').waitFor();
    await expect.poll(() => seat.getByTestId('account-item').count()).toBe(2);
    expect(await seat.getByTestId('account-item').first().getAttribute('data-status')).toBe('online');
    await conversation(seat, zeng.targetId).waitFor();
    await conversation(seat, maria.targetId).waitFor();
    expect(new URL(seat.url()).pathname).toBe('/seat');
    // The hub's menu (`/xd/auth/routers`, entries named as the hub names them): the seat's own
    // workspace, never the supervisors' wall.
    expect(await seat.getByTestId('nav-Chat').count()).toBe(1);
    expect(await seat.getByTestId('nav-SupervisorSeats').count()).toBe(0);
  });

  it('puts a signed callback in the timeline with an unread badge, and in the open chat within a second', async () => {
    await conversation(seat, maria.targetId).click();
    await seat.getByTestId('message-item').first().waitFor();
    const before = Number((await badge(seat, zeng.targetId).textContent().catch(() => '0')) ?? 0);

    const started = Date.now();
    const other = await inbound(zeng, '曾林', '还有红色的吗？');
    await expect.poll(() => badge(seat, zeng.targetId).textContent(), { timeout: 1000 }).toBe(String(before + 1));
    expect(Date.now() - started).toBeLessThan(1000);
    // The newest conversation is at the top of the timeline.
    expect(await seat.getByTestId('conversation-item').first().getAttribute('data-rece-id')).toBe(String(zeng.targetId));
    expect(other).toBeTruthy();

    const shownAt = Date.now();
    const inOpen = await inbound(maria, 'Maria Silva', 'Can you send a photo of the box?');
    await message(seat, inOpen).waitFor({ timeout: 1000 });
    expect(Date.now() - shownAt).toBeLessThan(1000);
    expect(await message(seat, inOpen).getAttribute('data-sender')).toBe('1');
    // The seat is looking at it: no badge, and the hub records it as read.
    expect(await badge(seat, maria.targetId).count()).toBe(0);
    await expect.poll(() => seatUnread(maria.targetId)).toBe(0);
  });

  it('shows a reply pending, then sent and delivered as the bridge reports them', async () => {
    await seat.evaluate(() => {
      const trail: string[] = [];
      (window as unknown as { statusTrail: string[] }).statusTrail = trail;
      const note = (el: Element) => {
        if (!el.textContent?.includes('Sure, here it is')) return;
        const status = el.getAttribute('data-status') ?? '';
        if (trail.at(-1) !== status) trail.push(status);
      };
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type === 'attributes' && r.target instanceof Element && r.target.matches('[data-testid="message-item"]')) note(r.target);
          for (const node of r.addedNodes) if (node instanceof Element) node.querySelectorAll('[data-testid="message-item"]').forEach(note);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    });
    await seat.getByTestId('composer-input').locator('textarea').fill('Sure, here it is.');
    await seat.getByTestId('composer-input').locator('textarea').press('Enter');

    const bubble = seat.locator('[data-testid="message-item"][data-sender="0"]', { hasText: 'Sure, here it is' });

    await expect.poll(() => bubble.getAttribute('data-status')).toBe('sent');
    const msgId = await bubble.getAttribute('data-msg-id');
    expect(msgId).toMatch(/^\d+$/);
    const send = bridge.calls.find((c) => c.path === '/send' && c.body.content === 'Sure, here it is.');
    expect(send?.body).toMatchObject({ phone: maria.phone, to: maria.platformUid });

    const bridgeMsgId = `bridge-${bridge.calls.filter((c) => c.path === '/send').indexOf(send!) + 1}`;
    const delivered = await postCallback(null, 'messageStatus', { phone: maria.phone, msgId: bridgeMsgId, status: 'delivered' }, { url: hubUrl });
    expect(delivered.status).toBe(200);
    await expect.poll(() => bubble.getAttribute('data-status')).toBe('delivered');
    expect(await seat.evaluate(() => (window as unknown as { statusTrail: string[] }).statusTrail)).toEqual(['pending', 'sent', 'delivered']);
    expect(await seat.getByTestId('message-item').filter({ hasText: 'Sure, here it is' }).count()).toBe(1);
    await seat.screenshot({ path: new URL('seat-screen.png', SHOTS).pathname });
  });

  it('lets super1 watch seat1 live without touching seat1’s unread count', async () => {
    const { context, page: sup } = await newConsole(browser);
    await logIn(sup, hubUrl, 'super1');
    const card = sup.locator(`[data-testid="seat-card"][data-cust-serv-id="${seat1Id}"]`);
    await expect.poll(() => card.getAttribute('data-online')).toBe('true');
    await sup.locator('[data-testid="connection-state"][data-state="online"]').waitFor();
    await sup.screenshot({ path: new URL('supervisor-wall.png', SHOTS).pathname });
    expect(await sup.getByTestId('nav-SupervisorSeats').count()).toBe(1);
    expect(await sup.getByTestId('nav-Chat').count()).toBe(0);

    await card.click();
    await conversation(sup, zeng.targetId).click();
    await sup.getByTestId('message-item').first().waitFor();
    await sup.locator('[data-testid="connection-state"][data-state="online"]').waitFor();
    const unreadBefore = await seatUnread(zeng.targetId);
    expect(unreadBefore).toBeGreaterThan(0);

    const live = await inbound(zeng, '曾林', '我下午三点前付款');
    await message(sup, live).waitFor({ timeout: 1000 });
    await expect.poll(() => badge(seat, zeng.targetId).textContent()).toBe(String(unreadBefore + 1));
    expect(await seatUnread(zeng.targetId)).toBe(unreadBefore + 1);
    // Watching is read-only: no composer.
    expect(await sup.getByTestId('composer-input').count()).toBe(0);
    await sup.screenshot({ path: new URL('supervisor-watch.png', SHOTS).pathname });
    await context.close();
  });

  it('after a cut network and a restarted hub, shows every message once before it shows online', async () => {
    await seat.setViewportSize({ width: 1280, height: 1400 });
    await seat.evaluate(() => {
      const snapshots: { ids: string[]; zengBadge: string | null }[] = [];
      (window as unknown as { onlineSnapshots: typeof snapshots }).onlineSnapshots = snapshots;
      const state = document.querySelector('[data-testid="connection-state"]')!;
      new MutationObserver(() => {
        if (state.getAttribute('data-state') !== 'online') return;
        snapshots.push({
          ids: [...document.querySelectorAll('[data-testid="message-item"]')].map((m) => m.getAttribute('data-msg-id') ?? ''),
          zengBadge: document.querySelector(`[data-testid="conversation-item"][data-rece-id="${(window as unknown as { zeng: number }).zeng}"] [data-testid="unread-badge"]`)?.textContent ?? null,
        });
      }).observe(state, { attributes: true, attributeFilter: ['data-state'] });
    });
    await seat.evaluate((id) => ((window as unknown as { zeng: number }).zeng = id), zeng.targetId);

    await proxy.cut();
    await seat.locator('[data-testid="connection-state"][data-state="offline"]').waitFor();
    const missed: string[] = [];
    for (let i = 0; i < 4; i++) missed.push(await inbound(maria, 'Maria Silva', `while cut ${i}`));
    await inbound(zeng, '曾林', '在吗？');

    // The hub restarts on the same database while the page is still cut off.
    const dir = t.dir;
    await t.hub.close();
    t = await startHub({ listen: true, dir, env: { PROTOCOL_URL: bridge.url } });
    hubs.push(t);
    hubUrl = t.url;
    for (let i = 0; i < 4; i++) missed.push(await inbound(maria, 'Maria Silva', `after restart ${i}`));
    await inbound(zeng, '曾林', '急！');

    await proxy.restore(Number(new URL(t.url).port));
    // Callbacks keep coming while the page reconnects and catches up.
    const during: string[] = [];
    for (let i = 0; i < 3; i++) during.push(await inbound(maria, 'Maria Silva', `during sync ${i}`));
    await seat.locator('[data-testid="connection-state"][data-state="online"]').waitFor({ timeout: 15_000 });

    const snapshot = (await seat.evaluate(() => (window as unknown as { onlineSnapshots: { ids: string[]; zengBadge: string | null }[] }).onlineSnapshots))[0]!;
    for (const id of missed) expect(snapshot.ids, `message ${id} shown before online`).toContain(id);
    expect(new Set(snapshot.ids).size).toBe(snapshot.ids.length);

    // Settled: every message of the open chat exactly once, unread as the hub counts it.
    for (const id of during) await message(seat, id).waitFor();
    const shown = await renderedMsgIds(seat);
    expect(new Set(shown).size).toBe(shown.length);
    const history = await t.call('POST', '/xd/client/retrievePastRecords', {
      token: seatToken,
      body: { custServId: String(seat1Id), receId: String(maria.targetId), pageNo: 1, pageSize: 200 },
    });
    const stored = (history.body.data.contGroups as { msgId: string }[]).map((m) => m.msgId);
    expect(shown.filter((id) => id !== '')).toEqual(stored);
    await expect.poll(() => badge(seat, zeng.targetId).textContent()).toBe(String(await seatUnread(zeng.targetId)));
    expect(snapshot.zengBadge).toBe(String(await seatUnread(zeng.targetId)));
  });
});
