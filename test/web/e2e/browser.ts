// Debian's Chromium driven by playwright-core (never a downloaded browser), and the steps the
// console tests share: log in, open a conversation, read what the page shows.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export async function newConsole(browser: Browser, options: { width?: number; height?: number; locale?: 'en' | 'zh-CN' } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 } });
  // The console remembers the language per browser; the README's screenshots are in English.
  const locale = options.locale ?? 'en';
  await context.addInitScript((value) => localStorage.setItem('hub.locale', value), locale);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

export async function logIn(page: Page, baseUrl: string, username: string, password = `${username}123`): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

export function connectionState(page: Page): Promise<string | null> {
  return page.getByTestId('connection-state').getAttribute('data-state');
}

export const conversation = (page: Page, receId: string | number) => page.locator(`[data-testid="conversation-item"][data-rece-id="${receId}"]`);
export const message = (page: Page, msgId: string | number) => page.locator(`[data-testid="message-item"][data-msg-id="${msgId}"]`);

/** The msgIds of the message bubbles on the page, in order. */
export function renderedMsgIds(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="message-item"]', (items) => items.map((item) => item.getAttribute('data-msg-id') ?? ''));
}
