/**
 * Debian's Chromium through playwright-core: headless, a fresh profile, the
 * clipboard allowed, and screenshots of a whole Backstage page (whose
 * content scrolls inside the page, not the document).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
export const VIEWPORT = { width: 1440, height: 900 };

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(origin: string): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'license-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: VIEWPORT,
    acceptDownloads: true,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Screenshots the whole page: the viewport is made as tall as the page's
 * content for the shot. The content may scroll in the document or in an
 * element (a legacy page scrolls inside itself; below the license notices the
 * app's layout scrolls in a frame): the bottom of the tallest scroll content
 * counts.
 */
export async function screenshotPage(page: Page, path: string): Promise<void> {
  const height = await page.evaluate(() => {
    let bottom = document.documentElement.scrollHeight;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const { overflowY } = getComputedStyle(el);
      if ((overflowY === 'auto' || overflowY === 'scroll') && el.scrollHeight > el.clientHeight) {
        bottom = Math.max(bottom, el.getBoundingClientRect().top + el.scrollHeight);
      }
    }
    return bottom;
  });
  await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(4000, Math.max(VIEWPORT.height, Math.ceil(height))) });
  await page.waitForTimeout(150);
  try {
    await page.screenshot({ path });
  } finally {
    await page.setViewportSize(VIEWPORT);
  }
}
