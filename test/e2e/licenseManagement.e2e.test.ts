/**
 * End to end in Chromium: the whole portal as `npm start` runs it (frontend
 * dev server and backend, fresh SQLite), signed in as the guest admin, with
 * licenses issued by `license-ctl vendor issue` for the installation's own
 * request key. One story, step by step; each step leaves a screenshot in
 * test/e2e/screenshots/.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signLicenseToken, verifyRequestKey } from '@backstage-licensing/license-vendor';
import type { Locator, Page } from 'playwright-core';
import { day, expectExit, runLicenseCtl } from '../support/licenseCtl';
import { type Browser, launchBrowser, screenshotPage } from './browser';
import { type Portal, startPortal } from './portal';

const KID = 'e2e-browser-vendor';
const DAY_MS = 86_400_000;
const SHOTS = join(__dirname, 'screenshots');
const UI_TIMEOUT = 30_000;
/** The License Management page: the app opens it on its Overview sub-page. */
const LICENSE_PAGE = /\/license-management(\/overview)?$/;

let work: string;
let portal: Portal | undefined;
let browser: Browser | undefined;
let page: Page;
let keyId: string;

const ctl = (...args: string[]) => runLicenseCtl(args, { cwd: work });
const shot = (name: string) => screenshotPage(page, join(SHOTS, name));
const appPath = (path: string) => `${portal!.appUrl}${path}`;

/** Issues licenses with license-ctl for this installation's request key. */
async function issue(out: string, ...licenses: string[]) {
  const r = await ctl(
    'vendor', 'issue',
    '--key', join(work, 'keys', `${KID}.key`), '--kid', KID,
    '--request-key', 'request-key.txt',
    ...licenses,
    '-o', out,
  );
  expectExit(r, 0);
  return join(work, out);
}

async function openLicensePage() {
  await portal!.settle();
  await page.goto(appPath('/license-management'));
  await page.getByTestId('license-summary').waitFor();
}

/** Uploads a file through the Upload License dialog; answers the dialog, still open. */
async function upload(file: string): Promise<Locator> {
  await portal!.settle();
  await page.getByRole('button', { name: 'Upload License' }).click();
  const dialog = page.getByRole('dialog', { name: 'Upload License' });
  await dialog.getByTestId('license-file-input').setInputFiles(file);
  await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
  await dialog.getByText(/License installed|Nothing new in this file|The license was not installed/).waitFor();
  return dialog;
}

async function closeDialog(dialog: Locator, button = 'Close') {
  await dialog.getByRole('button', { name: button }).click();
  await dialog.waitFor({ state: 'hidden' });
}

const banner = () => page.getByTestId('license-banner');

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'license-e2e-browser-'));
  await rm(SHOTS, { recursive: true, force: true });
  await mkdir(SHOTS, { recursive: true });
  expectExit(await ctl('vendor', 'keygen', '--kid', KID, '--out', join(work, 'keys')), 0);
  const started = Date.now();
  portal = await startPortal({
    workDir: work,
    vendorKey: { kid: KID, publicKeyFile: join(work, 'keys', `${KID}.pub`) },
  });
  // eslint-disable-next-line no-console
  console.log(`portal up at ${portal.appUrl} (backend ${portal.backendUrl}) after ${((Date.now() - started) / 1000).toFixed(0)}s`);
  browser = await launchBrowser(portal.appUrl);
  page = browser.page;
  page.setDefaultTimeout(UI_TIMEOUT);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 60_000);

/** A step of the story; when it fails, a screenshot and the end of the portal's log say why. */
function step(name: string, fn: () => Promise<void>) {
  return async () => {
    try {
      await portal!.settle();
      await fn();
    } catch (error) {
      await page?.screenshot({ path: join(SHOTS, `failed-${name}.png`) }).catch(() => {});
      // eslint-disable-next-line no-console
      console.log(
        `step '${name}' failed at ${page?.url()} (backend restarts by its file watcher so far: ${portal?.restarts()}); portal log:\n${portal?.log(60)}`,
      );
      throw error;
    }
  };
}

describe('License Management in the browser', () => {
  it('signs in as guest and shows the community portal', step('sign-in', async () => {
    await page.goto(appPath('/'));
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.waitForURL(/\/home$/);
    await page.getByRole('heading', { name: 'License Management Portal' }).waitFor();
    await page.getByText('GPU Service is not available').waitFor();
    await shot('01-home-community.png');

    await page.getByRole('link', { name: 'License Management' }).first().click();
    await page.waitForURL(LICENSE_PAGE);
    const summary = page.getByTestId('license-summary');
    await summary.getByText('Community (no Base license)').waitFor();
    await page.getByText('No Base license: the portal runs the Community edition').waitFor();
    keyId = (await page.getByTestId('key-id').textContent())!.trim();
    expect(keyId).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/);
    await shot('02-license-management-community.png');
  }));

  it('downloads the request key', step('request-key', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Request Key' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`request-key-${keyId}.txt`);
    await download.saveAs(join(work, 'request-key.txt'));
    const content = await verifyRequestKey(await readFile(join(work, 'request-key.txt'), 'utf8'));
    expect(content.keyId).toBe(keyId);
  }));

  it('sends every page to License Management once the Base license has expired', step('expired', async () => {
    // A Base license that ends 25 s from now (license-ctl issues whole days).
    const now = Date.now();
    const exp = Math.floor(now / 1000) + 25;
    const token = await signLicenseToken(
      {
        jti: `lic-e2e-short-${now}`,
        iss: 'E2E vendor',
        sub: keyId,
        iat: Math.floor(now / 1000) - 60,
        exp,
        license: { type: 'base', item: 'standard', method: 'request-key', quota: { hosts: 100 } },
      },
      { kid: KID, privateKeyPem: await readFile(join(work, 'keys', `${KID}.key`), 'utf8') },
    );
    const file = join(work, 'short-lived.lic');
    await writeFile(file, `# Standard, for 25 seconds\n${token}\n`);
    const dialog = await upload(file);
    await dialog.getByText('Installed: Standard (Base).').waitFor();
    await closeDialog(dialog);
    await page.getByTestId('license-summary').getByText('Standard').waitFor();

    await page.waitForTimeout(Math.max(0, exp * 1000 - Date.now() + 1_500));
    await portal!.settle();
    await page.goto(appPath('/home'));
    await page.waitForURL(LICENSE_PAGE);
    await banner().getByText('License expired').waitFor();
    await page.getByText('The Base license has expired: the other pages of the portal are closed').waitFor();
    await shot('03-expired-redirect.png');

    // The sidebar cannot get around it either.
    await page.getByRole('link', { name: 'Home' }).first().click();
    await page.waitForURL(LICENSE_PAGE);
  }));

  it('recovers with a valid license uploaded there, and warns that it expires in 10 days', step('recover', async () => {
    // Valid all of the day 9 days from now: 9-10 days left, shown as 10.
    const file = await issue('renewal-10-days.txt', '--base', 'enterprise-prepaid:hosts=100', '--expires', day(Date.now() + 9 * DAY_MS));
    const dialog = await upload(file);
    await dialog.getByText('Installed: Enterprise Prepaid (Base).').waitFor();
    await shot('04-upload-dialog.png');
    await closeDialog(dialog);

    await banner().getByText('License expires in 10 days').waitFor();
    await expect(banner().getByText('License expired').count()).resolves.toBe(0);
    await page.goto(appPath('/home'));
    await page.getByRole('heading', { name: 'License Management Portal' }).waitFor();
    expect(page.url()).toMatch(/\/home$/);
    await banner().getByText('License expires in 10 days').waitFor();
    await banner().getByText(/The Enterprise Prepaid Base license expires in 10 days/).waitFor();
    await banner().getByRole('link', { name: 'Open License Management' }).waitFor();
    await shot('05-expiring-banner.png');
  }));

  it('tells the license admins in Notifications that the Base license runs out soon', step('notifications', async () => {
    // The guest is one of licenseManagement.adminGroups in app-config.yaml.
    await page.getByRole('link', { name: 'Notifications' }).first().click();
    await page.waitForURL(/\/notifications/);
    // Sent when the renewal that expires in 10 days was uploaded; the link opens License Management.
    const notice = page.getByRole('link', { name: /^The Enterprise Prepaid Base license runs out within 15 days$/ });
    await notice.first().waitFor();
    await expect(notice.first().getAttribute('href')).resolves.toMatch(/\/license-management$/);
    await shot('06-notifications.png');
  }));

  it('installs Enterprise Prepaid with two Plus modules from a .tar.gz issued by license-ctl', step('enterprise-prepaid', async () => {
    const file = await issue(
      'license.tar.gz',
      '--base', 'enterprise-prepaid:hosts=100',
      '--plus', 'vmware:vmware-cpus=64',
      '--plus', 'backup',
      '--expires', day(Date.now() + 365 * DAY_MS),
      '--customer', 'E2E Corp',
    );
    await openLicensePage();
    const dialog = await upload(file);
    await dialog.getByText(/^Installed: Enterprise Prepaid \(Base\), .*VMware Management \(Plus\)/).waitFor();
    await closeDialog(dialog);

    const summary = page.getByTestId('license-summary');
    await summary.getByText('Base License + 2 Plus Licenses').waitFor();
    await summary.getByText('Enterprise Prepaid').waitFor();
    await summary.getByText('Valid').waitFor();
    await summary.getByText('E2E Corp').waitFor();
    await page.getByText('Plus Licenses (2)').waitFor();
    await page.getByTestId('quota-vmware-cpus').getByText(/of 64/).waitFor();
    await banner().waitFor({ state: 'detached' });
    await shot('07-enterprise-prepaid.png');

    await page.goto(appPath('/home'));
    await page.getByTestId('gpu-dashboard').waitFor();
    await page.locator('button:enabled', { hasText: 'Add 8 VMware CPUs' }).waitFor();
    await shot('08-home-licensed.png');
  }));

  it('copies the Key ID', step('copy-key-id', async () => {
    await openLicensePage();
    await page.getByRole('button', { name: 'Copy Key ID' }).click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(keyId);
  }));

  it('deletes a Plus license after confirmation, and offers no delete for the Base license', step('delete-plus', async () => {
    await expect(page.getByRole('button', { name: /^Delete Enterprise Prepaid/ }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: /^Delete VMware Management/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Plus license?' });
    await dialog.getByText(/VMware Management/).first().waitFor();
    await shot('09-delete-confirmation.png');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(/Deleted VMware Management/).waitFor();
    await page.getByText('Plus Licenses (1)').waitFor();
    await page.getByTestId('license-summary').getByText('Base License + 1 Plus License').waitFor();
  }));

  it('finds the uploads and the deletion in the licensing records, and exports them', step('records', async () => {
    await page.getByRole('tab', { name: 'Licensing Records' }).click();
    await page.waitForURL(/\/license-management\/records$/);
    await page.getByRole('cell', { name: /^Delete/ }).first().waitFor();
    await shot('10-records.png');

    await page.getByRole('button', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'Delete', exact: true }).click();
    await page.getByTestId('records-page').getByText('Page 1 · 1 record').waitFor();
    await page.getByRole('cell', { name: 'VMware Management' }).waitFor();

    await page.getByRole('button', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'All' }).click();
    await page.getByRole('cell', { name: 'VMware Management' }).first().waitFor();
    await page.getByRole('textbox', { name: 'Search records' }).fill('backup');
    await page.getByRole('cell', { name: 'VMware Management' }).first().waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'Backup Service' }).first().waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'Time,Action,License type,Authorized items,Method,Quota,State,Issued,Valid through,Who,License ID,Detail,Time (ISO-8601)',
    );
    expect(csv).toContain('Backup Service');
    expect(csv).toContain('user:development/guest');
  }));

  it("shows the server's reason in plain words when an upload is rejected", step('upload-rejected', async () => {
    const original = await readFile(join(work, 'renewal-10-days.txt'), 'utf8');
    const tampered = original
      .split('\n')
      .map(line => {
        if (!line || line.startsWith('#')) return line;
        const [h, p, s] = line.trim().split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
        claims.license.quota = { hosts: 100000 };
        return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
      })
      .join('\n');
    await writeFile(join(work, 'tampered.txt'), tampered);
    await openLicensePage();
    const dialog = await upload(join(work, 'tampered.txt'));
    const alert = dialog.getByRole('alert');
    await alert.getByText('The license was not installed').waitFor();
    await expect(alert.textContent()).resolves.toMatch(/signature/i);
    await shot('11-upload-rejected.png');
    await closeDialog(dialog, 'Cancel');
    await page.getByText('Plus Licenses (1)').waitFor();
  }));
});
