/**
 * End to end in Chromium, on a portal that runs its own catalog
 * (`licenseManagement.catalog` in config): the page, the records filters and
 * the CSV speak that catalog's words, never the default catalog's; dates are
 * the last valid day the vendor typed; the Plus table's delete column fits
 * an 800 px window; the sidebar label is not cut; a delete is confirmed; the
 * records filters live in the URL; use over the quota shows as degraded.
 * Screenshots go to test/e2e/screenshots/custom-catalog-*.png.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expectExit, runLicenseCtl } from '../support/licenseCtl';
import { type Browser, launchBrowser, screenshotPage } from './browser';
import { type Portal, startPortal } from './portal';

const KID = 'e2e-catalog-vendor';
const SHOTS = join(__dirname, 'screenshots');
const UI_TIMEOUT = 30_000;
const LICENSE_PAGE = /\/license-management(\/overview)?$/;
/** What the vendor types: valid all of this day, UTC. */
const EXPIRES = '2027-12-31';
const VALID_THROUGH = 'Dec 31, 2027';

/** The portal's own catalog: nothing of the default one. */
const CATALOG = {
  editions: [
    { id: 'starter', title: 'Starter Edition', features: ['dashboards'], metrics: ['seats'] },
    { id: 'scale', title: 'Scale Edition', features: ['dashboards', 'reports'], metrics: ['seats'] },
  ],
  modules: [
    { id: 'insights', title: 'Insights Add-on', features: ['reports'], metrics: ['insight-runs'] },
    { id: 'archive', title: 'Cold Archive' },
  ],
  metrics: [
    { id: 'seats', title: 'Named seats' },
    { id: 'insight-runs', title: 'Insight runs' },
  ],
  features: [
    { id: 'dashboards', title: 'Team dashboards' },
    { id: 'reports', title: 'Scheduled reports' },
  ],
  essentialFeatures: ['license-management'],
};
/** Titles of the default catalog that must not show on this portal. */
const DEFAULT_TITLES = /Enterprise Prepaid|Enterprise Trial|VMware Management|Backup Service|Hosts/;

let work: string;
let portal: Portal | undefined;
let browser: Browser | undefined;
let page: Page;

const ctl = (...args: string[]) => runLicenseCtl(args, { cwd: work });
const shot = (name: string) => screenshotPage(page, join(SHOTS, `custom-catalog-${name}.png`));
const appPath = (path: string) => `${portal!.appUrl}${path}`;

/** Issues licenses of the portal's catalog with license-ctl, for this installation's request key. */
async function issue(out: string, ...licenses: string[]) {
  const r = await ctl(
    'vendor', 'issue',
    '--key', join(work, 'keys', `${KID}.key`), '--kid', KID,
    '--catalog', join(work, 'catalog.json'),
    '--request-key', 'request-key.txt',
    ...licenses,
    '--expires', EXPIRES,
    '-o', out,
  );
  expectExit(r, 0);
  return join(work, out);
}

/** Chooses a file in the Upload License dialog and sends it; answers the dialog, still open. */
async function upload(file: string): Promise<Locator> {
  await portal!.settle();
  await page.getByRole('button', { name: 'Upload License' }).click();
  const dialog = page.getByRole('dialog', { name: 'Upload License' });
  await dialog.getByTestId('license-file-input').setInputFiles(file);
  await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
  await dialog
    .getByText(/License installed|Nothing new in this file|The license was not installed|Install anyway\?/)
    .first()
    .waitFor();
  return dialog;
}

async function closeDialog(dialog: Locator) {
  await dialog.getByRole('button', { name: /^(Close|Cancel)$/ }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/**
 * Signs in as guest. The development backend restarts by itself when a source
 * file changes under it (others work in this tree): a sign-in that meets a
 * restart fails, so wait the restart out and try again.
 */
async function signIn() {
  for (let attempt = 1; ; attempt++) {
    await portal!.settle();
    await page.goto(appPath('/'));
    await page.getByRole('button', { name: 'Enter' }).click();
    const home = page.waitForURL(/\/home$/).then(
      () => 'home',
      () => 'timeout',
    );
    const failed = page
      .getByText(/You cannot sign in as a guest|Login failed/)
      .first()
      .waitFor()
      .then(
        () => 'failed',
        () => 'timeout',
      );
    const outcome = await Promise.race([home, failed]);
    if (outcome === 'home') return;
    if (outcome === 'timeout' || attempt === 3) throw new Error(`Guest sign-in did not reach /home (attempt ${attempt}: ${outcome})`);
    await page.waitForTimeout(5_000);
  }
}

/** The value next to a term of a definition list (`<dt>term</dt><dd>value</dd>`). */
const valueOf = (list: Locator, term: string) =>
  list.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'license-e2e-catalog-'));
  await mkdir(SHOTS, { recursive: true });
  await writeFile(join(work, 'catalog.json'), JSON.stringify(CATALOG, null, 2));
  expectExit(await ctl('vendor', 'keygen', '--kid', KID, '--out', join(work, 'keys')), 0);
  const started = Date.now();
  portal = await startPortal({
    workDir: work,
    vendorKey: { kid: KID, publicKeyFile: join(work, 'keys', `${KID}.pub`) },
    extraConfig: {
      licenseManagement: {
        catalog: CATALOG,
        // The demo catalog's hosts count as named seats here (3 of them): the
        // built-in usage provider reports them, so the Quotas card has a reporter.
        usage: { catalog: [{ metric: 'seats', filter: 'kind=Resource,spec.type=host' }] },
      },
    },
  });
  // eslint-disable-next-line no-console
  console.log(`portal up at ${portal.appUrl} after ${((Date.now() - started) / 1000).toFixed(0)}s`);
  browser = await launchBrowser(portal.appUrl);
  page = browser.page;
  page.setDefaultTimeout(UI_TIMEOUT);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

/**
 * A step of the story; when it fails, a screenshot and the end of the
 * portal's log say why. A step that only reads (`rerun`) runs once more when
 * the development backend restarted under it (a source file changed).
 */
function step(name: string, fn: () => Promise<void>, options: { rerun?: boolean } = {}) {
  return async () => {
    const restarts = portal!.restarts();
    try {
      await portal!.settle();
      try {
        await fn();
      } catch (error) {
        if (!options.rerun || portal!.restarts() === restarts) throw error;
        // eslint-disable-next-line no-console
        console.log(`step '${name}' met a backend restart; running it again`);
        await portal!.settle();
        await fn();
      }
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, `custom-catalog-failed-${name}.png`) }).catch(() => {});
      // eslint-disable-next-line no-console
      console.log(`step '${name}' failed at ${page?.url()}; portal log:\n${portal?.log(60)}`);
      throw error;
    }
  };
}

describe('License Management with a custom catalog, in the browser', () => {
  it('signs in; the sidebar says "Licenses" in full and opens the License Management page', step('sign-in', async () => {
    await signIn();
    const item = page.locator('nav').getByRole('link', { name: 'Licenses' });
    await item.waitFor();
    // Not cut: every label in the sidebar item shows all of its text.
    const cut = await item.evaluate(a =>
      Array.from(a.querySelectorAll<HTMLElement>('*'))
        .filter(e => e.children.length === 0 && e.textContent?.trim())
        .some(e => e.scrollWidth > e.clientWidth + 1),
    );
    expect(cut).toBe(false);
    await item.click();
    await page.waitForURL(LICENSE_PAGE);
    await page.getByRole('heading', { name: 'License Management' }).first().waitFor();
    await page.getByTestId('license-summary').getByText('Community (no Base license)').waitFor();
    // The community card names this catalog's editions.
    await page.getByText(/A Base license \(Starter Edition, Scale Edition\)/).waitFor();
    await shot('01-community');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Request Key' }).click(),
    ]);
    await download.saveAs(join(work, 'request-key.txt'));
  }));

  it("installs licenses of the portal's catalog and shows its titles everywhere", step('titles', async () => {
    const file = await issue(
      'license.tar.gz',
      '--base', 'scale:seats=25',
      '--plus', 'insights:insight-runs=500',
      '--plus', 'archive',
    );
    const dialog = await upload(file);
    await dialog.getByText(/^Installed: .*Scale Edition \(Base\)/).waitFor();
    await expect(dialog.getByText(/Insights Add-on \(Plus\)/).count()).resolves.toBeGreaterThan(0);
    await closeDialog(dialog);

    const summary = page.getByTestId('license-summary');
    await summary.getByText('Base License + 2 Plus Licenses').waitFor();
    await expect(valueOf(summary, 'Edition').textContent()).resolves.toBe('Scale Edition');
    await expect(valueOf(summary, 'Licensing method').textContent()).resolves.toBe('Request key');

    const base = page.getByTestId('base-license');
    await expect(valueOf(base, 'Valid through').textContent()).resolves.toBe(VALID_THROUGH);
    await expect(valueOf(base, 'Quota').textContent()).resolves.toBe('Named seats: 25');

    await page.getByText('Plus Licenses (2)').waitFor();
    const insightsRow = page.locator('tr', { hasText: 'Insights Add-on' });
    await insightsRow.getByText('Insight runs: 500').waitFor();
    await insightsRow.getByText(VALID_THROUGH).waitFor();
    await page.getByRole('listitem', { name: /^Insights Add-on \(Plus\): Valid/ }).waitFor();

    // The usage provider counts the 3 hosts as named seats; the card says who reported them, and when.
    const seats = page.getByTestId('quota-seats');
    await seats.getByText('Named seats').waitFor();
    await seats.getByText(/^3 of 25$/).waitFor({ timeout: 60_000 });
    await page.getByTestId('reporters-seats').getByText(/: 3 \(100%\), reported /).waitFor({ timeout: 60_000 });

    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(DEFAULT_TITLES);
    await shot('02-licensed');
  }));

  it("keeps the Plus table's delete column on screen at 800 px", step('800px', async () => {
    await page.setViewportSize({ width: 800, height: 900 });
    try {
      await page.getByText('Plus Licenses (2)').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SHOTS, 'custom-catalog-03-plus-table-800px.png') });
      const remove = page.getByRole('button', { name: /^Delete Cold Archive/ });
      const module = page.locator('td', { hasText: /^Cold Archive$/ });
      for (const cell of [remove, module]) {
        const box = (await cell.boundingBox())!;
        expect(box).not.toBeNull();
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(800);
      }
      const seen = await remove.evaluate(b => {
        const r = b.getBoundingClientRect();
        const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        // Whatever scrolls sideways around the table has nothing hidden to scroll to.
        const clipped = [];
        for (let e = b.parentElement; e; e = e.parentElement) {
          const { overflowX } = getComputedStyle(e);
          if ((overflowX === 'auto' || overflowX === 'scroll') && e.scrollWidth > e.clientWidth + 1) clipped.push(e.tagName);
        }
        return { onTop: !!at && (at === b || b.contains(at)), clipped };
      });
      // Nothing covers it, and the table fits without scrolling sideways.
      expect(seen).toEqual({ onTop: true, clipped: [] });
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, { rerun: true }));

  it('deletes a Plus license after confirmation and says so', step('delete', async () => {
    await page.getByRole('button', { name: /^Delete Cold Archive/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Plus license?' });
    await dialog.getByText(new RegExp(`valid through ${VALID_THROUGH}`)).waitFor();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(/Deleted Cold Archive/).waitFor();
    await page.getByText('Plus Licenses (1)').waitFor();
    await shot('04-deleted');
  }));

  it('filters the records with the catalog\'s items and keeps the filters in the URL across a reload', step('records', async () => {
    await page.goto(appPath('/license-management/records'));
    await page.getByRole('tab', { name: 'Licensing Records' }).waitFor();
    await page.getByRole('button', { name: 'Authorized item' }).click();
    const items = await page.getByRole('listbox').getByRole('option').allTextContents();
    expect(items).toEqual(['All', 'Starter Edition', 'Scale Edition', 'Insights Add-on', 'Cold Archive']);
    await page.getByRole('option', { name: 'Cold Archive' }).click();
    await page.getByRole('button', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'Rejected' }).waitFor();
    await page.getByRole('option', { name: 'Delete', exact: true }).click();
    await page.waitForURL(/[?&]action=delete/);
    expect(page.url()).toMatch(/[?&]item=archive/);
    await page.getByTestId('records-page').getByText('Page 1 · 1 record').waitFor();

    await page.reload();
    await page.getByTestId('records-page').getByText('Page 1 · 1 record').waitFor();
    await expect(page.getByRole('button', { name: 'Action' }).textContent()).resolves.toContain('Delete');
    const row = page.locator('tr', { hasText: 'Cold Archive' });
    await row.getByText(VALID_THROUGH).waitFor();
    await shot('05-records-filtered');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, first] = csv.split('\r\n');
    expect(header).toBe('Time,Action,License type,Authorized items,Method,Quota,State,Issued,Valid through,Who,License ID,Detail,Time (ISO-8601)');
    expect(first).toContain(',Delete,Plus,Cold Archive,Request key,');
    expect(first).toContain(`"${VALID_THROUGH}"`);
    expect(csv).not.toMatch(DEFAULT_TITLES);
  }, { rerun: true }));

  it('shows the portal as degraded, not "Valid", once use exceeds the quota', step('degraded', async () => {
    await page.goto(appPath('/license-management'));
    await page.getByTestId('license-summary').waitFor();
    // 3 named seats in use: a Base for 2 is a downgrade the dialog asks about.
    const file = await issue('two-seats.txt', '--base', 'scale:seats=2');
    const dialog = await upload(file);
    await dialog.getByRole('button', { name: 'Install anyway' }).click();
    await dialog.getByText('License installed').waitFor();
    await closeDialog(dialog);

    const status = valueOf(page.getByTestId('license-summary'), 'License status');
    await status.getByText('Degraded: quota exceeded').waitFor();
    await page.getByTestId('license-header-summary').getByText(/Degraded: quota exceeded/).waitFor();
    await expect(status.getByText(/^Valid$/).count()).resolves.toBe(0);
    await page.getByTestId('quota-seats').getByText(/3 of 2 — exceeded/).waitFor();
    await shot('06-degraded');
  }));
});
