/**
 * End to end in Chromium: a portal with license sharing on is a license
 * server (PRODUCT.md §2.6). Signed in as the guest admin: the License Server
 * card says it serves client sites; Client Sites registers a site (its
 * credential shown once), shows the lease the site then takes over HTTP and
 * the pool that lease comes out of, and revokes the site, after which its
 * credential no longer works. Screenshots in test/e2e/screenshots/server-*.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyRequestKey } from '@backstage-licensing/license-vendor';
import { DAY_MS } from '@backstage-licensing/plugin-license-management-common';
import type { Page } from 'playwright-core';
import { day, expectExit, runLicenseCtl } from '../support/licenseCtl';
import { type Browser, launchBrowser, screenshotPage } from './browser';
import { type Portal, startPortal } from './portal';

const KID = 'e2e-server-vendor';
const SHOTS = join(__dirname, 'screenshots');
const UI_TIMEOUT = 30_000;

let work: string;
let portal: Portal | undefined;
let browser: Browser | undefined;
let page: Page;
let credential = '';

const ctl = (...args: string[]) => runLicenseCtl(args, { cwd: work });
const shot = (name: string) => screenshotPage(page, join(SHOTS, name));
const appPath = (path: string) => `${portal!.appUrl}${path}`;
const clientSites = () => page.getByTestId('client-sites');

/** The site's lease request, as a client site's backend sends it. */
function putLease(body: object) {
  return fetch(`${portal!.backendUrl}/api/license-management/sharing/lease`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${credential}` },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'license-e2e-server-'));
  await mkdir(SHOTS, { recursive: true });
  expectExit(await ctl('vendor', 'keygen', '--kid', KID, '--out', join(work, 'keys')), 0);
  portal = await startPortal({
    workDir: work,
    vendorKey: { kid: KID, publicKeyFile: join(work, 'keys', `${KID}.pub`) },
    extraConfig: { licenseManagement: { sharing: { enabled: true, leaseTtl: { seconds: 120 } } } },
  });
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
 * Opens License Management until its summary shows. The first load of the
 * page's lazily loaded code can stall on a busy machine (the dev server
 * answers, the page keeps its progress bar): load it again, up to 3 times.
 */
async function openLicensePage() {
  for (let attempt = 1; ; attempt++) {
    await page.goto(appPath('/license-management'));
    const shown = await page
      .getByTestId('license-summary')
      .waitFor()
      .then(() => true, () => false);
    if (shown) return;
    if (attempt === 3) throw new Error('The License Management page did not show its summary after 3 loads');
  }
}

/** A step of the story; when it fails, a screenshot and the end of the portal's log say why. */
function step(name: string, fn: () => Promise<void>) {
  return async () => {
    try {
      await portal!.settle();
      await fn();
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, `server-failed-${name}.png`) }).catch(() => {});
      // eslint-disable-next-line no-console
      console.log(`step '${name}' failed at ${page?.url()}; portal log:\n${portal?.log(60)}`);
      throw error;
    }
  };
}

describe('a license server in the browser', () => {
  it('signs in, installs a Base license and serves client sites', step('serving', async () => {
    await page.goto(appPath('/'));
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.waitForURL(/\/home$/);
    await openLicensePage();
    const keyId = (await page.getByTestId('key-id').textContent())!.trim();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Request Key' }).click(),
    ]);
    await download.saveAs(join(work, 'request-key.txt'));
    expect((await verifyRequestKey(await readFile(join(work, 'request-key.txt'), 'utf8'))).keyId).toBe(keyId);
    const r = await ctl(
      'vendor', 'issue', '--key', join(work, 'keys', `${KID}.key`), '--kid', KID,
      '--request-key', 'request-key.txt', '--base', 'enterprise-prepaid:hosts=100',
      '--expires', day(Date.now() + 200 * DAY_MS), '-o', 'base.txt',
    );
    expectExit(r, 0);

    await page.getByRole('button', { name: 'Upload License' }).click();
    const dialog = page.getByRole('dialog', { name: 'Upload License' });
    await dialog.getByTestId('license-file-input').setInputFiles(join(work, 'base.txt'));
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    await dialog.getByText('Installed: Enterprise Prepaid (Base).').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByTestId('license-server').getByText('Serving client sites').waitFor();
    await clientSites().getByText('No client sites yet.', { exact: false }).waitFor();
    await page.getByRole('img', { name: /^Hosts: 100 authorized, \d+ used here, 0 leased, \d+ available$/ }).waitFor();
  }), 240_000);

  it('registers a client site and shows its credential once', step('register', async () => {
    await page.getByRole('button', { name: 'Register client site' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register a client site' });
    await dialog.getByLabel('Site name').fill('Branch office');
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    const registered = page.getByRole('dialog', { name: 'Client site Branch office registered' });
    await registered.getByText('Copy the credential now: it is shown only once').waitFor();
    credential = (await registered.getByTestId('site-credential').textContent())!.trim();
    expect(credential.length).toBeGreaterThanOrEqual(22);
    await shot('server-01-credential-once.png');
    await registered.getByRole('button', { name: /I have copied it/ }).click();
    await registered.waitFor({ state: 'hidden' });
    await expect(page.getByText(credential).count()).resolves.toBe(0);
    const row = clientSites().getByRole('row', { name: /Branch office/ });
    await row.getByText('No lease').waitFor();
    await row.getByText('Never').waitFor();
  }));

  it('shows the lease the site takes, and the pool it comes out of', step('lease', async () => {
    const lease = await putLease({ quota: { hosts: 20 } });
    expect(lease.status).toBe(200);
    await page.reload();
    const row = clientSites().getByRole('row', { name: /Branch office/ });
    await row.getByText('Hosts: 20').waitFor();
    await expect(row.getByText('Never').count()).resolves.toBe(0);
    await page.getByRole('img', { name: /^Hosts: 100 authorized, \d+ used here, 20 leased, \d+ available$/ }).waitFor();
    await page.getByTestId('quota-hosts').getByText(/20 leased of 100/).waitFor();
    await shot('server-02-client-sites.png');
  }));

  it('revokes the site after confirmation: its credential stops working', step('revoke', async () => {
    await clientSites().getByRole('button', { name: /^Revoke Branch office/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke client site?' });
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await clientSites().getByText('Client Sites (0)').waitFor();
    await page.getByRole('img', { name: /^Hosts: 100 authorized, \d+ used here, 0 leased, \d+ available$/ }).waitFor();
    expect((await putLease({ quota: { hosts: 20 } })).status).toBe(401);
  }));
});
