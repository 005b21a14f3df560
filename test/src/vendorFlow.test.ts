/**
 * End to end: the real portal backend (packages/backend) as a child process,
 * and the license-ctl binary as subprocesses, through the whole vendor flow —
 * keygen, request key, issue, install, status, key-id, records, delete,
 * reload, and a tampered upload that must change nothing.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTarGz, verifyRequestKey } from '@backstage-licensing/license-vendor';
import { readLicenseFile } from '@backstage-licensing/plugin-license-management-common/node';
import { type CtlResult, ROOT, day, expectExit, runLicenseCtl } from '../support/licenseCtl';
import { portalConfigYaml } from '../support/portalConfig';
import { ProcessGroup, freePort, waitForUrl } from '../support/processGroup';

jest.setTimeout(60_000);

const BACKEND_DIR = join(ROOT, 'packages/backend');
const TOKEN = 'local-dev-license-ctl-token';
const KID = 'e2e-vendor';
const BOOT_TIMEOUT_MS = 150_000;

let work: string;
let port: number;
let url: string;
let backend: ProcessGroup | undefined;
/** Watcher restarts seen in the log when the backend last answered /health. */
let knownRestarts = 0;

/** Runs bin/license-ctl as a subprocess. */
function ctl(...args: string[]): Promise<CtlResult> {
  return runLicenseCtl(args, { cwd: work, env: { ...process.env, LICENSE_CTL_TOKEN: TOKEN } });
}

const RESTART_NOTICE = 'Change detected, restarting';

/**
 * Runs an admin verb against the test backend. `backstage-cli package start`
 * is a development server: it restarts the backend whenever a source file it
 * loaded changes (another engineer editing a plugin, say). Such a restart is
 * waited out and the verb retried once; a crash is not, and fails the test
 * with the backend log.
 */
async function admin(...args: string[]): Promise<CtlResult> {
  const r = await ctl(...args, '--url', url);
  if (r.code === 1 && r.stderr.includes('cannot reach the backend') && backend) {
    await new Promise(res => setTimeout(res, 500));
    if (backend.count(RESTART_NOTICE) > knownRestarts) {
      // eslint-disable-next-line no-console
      console.warn(`backend restarted by its file watcher during '${args[0]}'; waiting for it`);
      await waitForHealth();
      return ctl(...args, '--url', url);
    }
    throw new Error(`the backend stopped answering during '${args.join(' ')}':\n${backend.log()}`);
  }
  return r;
}

function stderrLines(r: CtlResult) {
  return r.stderr.split('\n').filter(l => l.trim() !== '');
}

async function stopBackend() {
  await backend?.stop();
  backend = undefined;
}

async function waitForHealth() {
  await waitForUrl(`${url}/api/license-management/health`, {
    timeoutMs: BOOT_TIMEOUT_MS,
    process: backend,
    what: 'the backend',
  });
  knownRestarts = backend?.count(RESTART_NOTICE) ?? 0;
}


/** Re-encodes the payload of every token in a text license file, keeping the signatures. */
function tamper(text: string, change: (claims: any) => void): string {
  return text
    .split('\n')
    .map(line => {
      const l = line.trim();
      if (!l || l.startsWith('#')) return line;
      const [h, p, s] = l.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
      change(claims);
      return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
    })
    .join('\n');
}

/**
 * Status without what changes by itself while the test runs (the evaluation
 * time, and the use the catalog usage provider reports on its schedule), to
 * compare the licensing before and after.
 */
async function statusJson() {
  const r = await admin('status', '--json');
  expectExit(r, 0);
  const { evaluatedAt: _time, quotas, ...rest } = JSON.parse(r.stdout);
  const authorized = (quotas as { metric: string; authorized: number }[]).filter(q => q.authorized > 0);
  return { ...rest, quotas: authorized.map(({ metric, authorized: n }) => ({ metric, authorized: n })) };
}

const expires = day(Date.now() + 365 * 86_400_000);
let keyDir: string;
let requestKeyId: string;
let baseId: string;
let plusId: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'license-e2e-'));
  keyDir = join(work, 'keys');

  // 1. The vendor creates a signing key pair; the portal trusts its public half.
  const keygen = await ctl('vendor', 'keygen', '--kid', KID, '--out', keyDir);
  expectExit(keygen, 0);
  expect(await readFile(join(keyDir, `${KID}.key`), 'utf8')).toContain('BEGIN PRIVATE KEY');
  expect(await readFile(join(keyDir, `${KID}.pub`), 'utf8')).toContain('BEGIN PUBLIC KEY');

  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const dbDir = join(work, 'db');
  await mkdir(dbDir);
  const extra = join(work, 'extra.yaml');
  await writeFile(
    extra,
    portalConfigYaml({ backendPort: port, dbDir, vendorKey: { kid: KID, publicKeyFile: join(keyDir, `${KID}.pub`) } }),
  );

  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development' };
  delete env.LICENSE_CTL_TOKEN;
  backend = ProcessGroup.start({
    command: 'npx',
    args: ['backstage-cli', 'package', 'start', '--config', '../../app-config.yaml', '--config', extra],
    cwd: BACKEND_DIR,
    env,
    logFile: join(work, 'backend.log'),
  });
  const started = Date.now();
  await waitForHealth();
  // eslint-disable-next-line no-console
  console.log(`backend up on port ${port} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
}, BOOT_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await stopBackend();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

describe('the vendor flow against the real backend', () => {
  it('starts with a fresh installation in the community edition', async () => {
    const status = await statusJson();
    expect(status.edition).toBe('community');
    expect(status.state).toBe('community');
    expect(status.base).toBeNull();
  });

  it('downloads a signed request key (request-key -o)', async () => {
    const r = await admin('request-key', '-o', 'request-key.txt');
    expectExit(r, 0);
    const text = await readFile(join(work, 'request-key.txt'), 'utf8');
    const content = await verifyRequestKey(text);
    expect(content.keyId).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/);
    expect(text).toContain(`# Key ID: ${content.keyId}`);
    requestKeyId = content.keyId;
  });

  it('issues a Base and a Plus license for that request key (vendor issue)', async () => {
    const r = await ctl(
      'vendor', 'issue',
      '--key', join(keyDir, `${KID}.key`), '--kid', KID,
      '--request-key', 'request-key.txt',
      '--base', 'enterprise-prepaid:hosts=100',
      '--plus', 'vmware:vmware-cpus=32',
      '--expires', expires,
      '--customer', 'E2E Corp',
      '-o', 'lic.tar.gz',
    );
    expectExit(r, 0);
    const { format, tokens } = await readLicenseFile(await readFile(join(work, 'lic.tar.gz')));
    expect(format).toBe('archive');
    expect(tokens).toHaveLength(2);
  });

  it('installs the file (install -f)', async () => {
    const r = await admin('install', '-f', 'lic.tar.gz');
    expectExit(r, 0);
    expect(r.stdout).toMatch(new RegExp(`installed base enterprise-prepaid lic-\\S+ \\(valid, valid through ${expires}\\)`));
    expect(r.stdout).toMatch(new RegExp(`installed plus vmware lic-\\S+ \\(valid, valid through ${expires}\\)`));
    expect(r.stderr).toBe('');
  });

  it('installs the same file again as unchanged', async () => {
    const r = await admin('install', '-f', 'lic.tar.gz');
    expectExit(r, 0);
    expect(r.stdout.match(/^unchanged /gm)).toHaveLength(2);
  });

  it('shows edition enterprise-prepaid, state valid and the quotas (status --json)', async () => {
    const status = await statusJson();
    expect(status.edition).toBe('enterprise-prepaid');
    expect(status.state).toBe('valid');
    expect(status.method).toBe('request-key');
    expect(status.keyId).toBe(requestKeyId);
    expect(status.base).toMatchObject({ type: 'base', item: 'enterprise-prepaid', state: 'valid', keyId: requestKeyId });
    expect(status.base.expiresAt).toBe(new Date(Date.parse(`${expires}T00:00:00Z`) + 86_400_000).toISOString());
    expect(status.base.validThrough).toBe(expires);
    expect(status.plus).toHaveLength(1);
    expect(status.plus[0]).toMatchObject({ type: 'plus', item: 'vmware', state: 'valid' });
    const quota = Object.fromEntries(status.quotas.map((q: { metric: string; authorized: number }) => [q.metric, q.authorized]));
    expect(quota).toMatchObject({ hosts: 100, 'vmware-cpus': 32 });
    baseId = status.base.id;
    plusId = status.plus[0].id;
  });

  it('prints a table without --json (status)', async () => {
    const r = await admin('status');
    expectExit(r, 0);
    expect(r.stdout).toMatch(/Edition\s+Enterprise Prepaid \(enterprise-prepaid\)/);
    expect(r.stdout).toMatch(/State\s+valid/);
    // --expires D is shown as the day typed, never the midnight after it.
    expect(r.stdout).toMatch(/^Method\s+Request key$/m);
    expect(r.stdout).toMatch(new RegExp(`^Base\\s+lic-\\S+, valid, valid through ${expires}$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^Plus\\s+vmware lic-\\S+, valid through ${expires}$`, 'm'));
  });

  it("prints the Key ID of the request key (key-id)", async () => {
    const r = await admin('key-id');
    expectExit(r, 0);
    expect(r.stdout.trim()).toBe(requestKeyId);
  });

  it('lists both uploads in the records (records --json)', async () => {
    const r = await admin('records', '--json');
    expectExit(r, 0);
    const page = JSON.parse(r.stdout);
    const uploads = page.items.filter((i: { action: string }) => i.action === 'upload');
    expect(uploads.map((u: { licenseId: string }) => u.licenseId).sort()).toEqual([baseId, plusId].sort());
    const plusUpload = uploads.find((u: { licenseId: string }) => u.licenseId === plusId);
    expect(plusUpload).toMatchObject({ type: 'plus', item: 'vmware', method: 'request-key', quota: { 'vmware-cpus': 32 } });
  });

  it('prints the records as rows, the method by its title and the last valid day (records)', async () => {
    const r = await admin('records', '--action', 'upload', '--type', 'plus');
    expectExit(r, 0);
    const rows = r.stdout.split('\n').filter(Boolean).map(l => l.split('\t'));
    expect(rows).toHaveLength(1);
    expect(rows[0].slice(1, 8)).toEqual(['upload', 'plus', 'vmware', 'Request key', 'valid', 'vmware-cpus=32', `valid through ${expires}`]);
  });

  it('deletes the Plus license (delete ID)', async () => {
    const r = await admin('delete', plusId);
    expectExit(r, 0);
    expect(r.stdout.trim()).toBe(`deleted ${plusId}`);
    const status = await statusJson();
    expect(status.plus).toEqual([]);
    expect(status.edition).toBe('enterprise-prepaid');
    const records = JSON.parse((await admin('records', '--json')).stdout);
    expect(records.items.some((i: { action: string; licenseId: string }) => i.action === 'delete' && i.licenseId === plusId)).toBe(true);
  });

  it('refuses to delete the Base license with exit 1 and one clear line', async () => {
    const before = await statusJson();
    const r = await admin('delete', baseId);
    expectExit(r, 1);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^license-ctl: .*Base license.*cannot be deleted.*\(HTTP 409\)/);
    expect(r.stdout).toBe('');
    expect(await statusJson()).toEqual(before);
  });

  it('reloads (reload)', async () => {
    const r = await admin('reload');
    expectExit(r, 0);
    expect(r.stdout.trim()).toBe('reloaded: Enterprise Prepaid, valid');
    const status = await statusJson();
    expect(status.edition).toBe('enterprise-prepaid');
    expect(status.state).toBe('valid');
  });

  it('refuses a tampered file with exit 1 and leaves the status unchanged', async () => {
    const issued = await ctl(
      'vendor', 'issue',
      '--key', join(keyDir, `${KID}.key`), '--kid', KID,
      '--request-key', 'request-key.txt',
      '--base', 'standard:hosts=10',
      '--expires', expires,
      '-o', 'renewal.txt',
    );
    expectExit(issued, 0);
    const original = await readFile(join(work, 'renewal.txt'), 'utf8');
    await writeFile(
      join(work, 'tampered.txt'),
      tamper(original, c => {
        c.license.item = 'enterprise-prepaid';
        c.license.quota = { hosts: 100000 };
      }),
    );
    const before = await statusJson();
    const recordsBefore = JSON.parse((await admin('records', '--json')).stdout).items.length;

    const r = await admin('install', '-f', 'tampered.txt');
    expectExit(r, 1);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^license-ctl: .*signature/);
    expect(r.stdout).toBe('');

    expect(await statusJson()).toEqual(before);
    // Nothing installed; the refusal is recorded, once, as 'rejected' with the reason.
    const records = JSON.parse((await admin('records', '--json')).stdout).items;
    expect(records).toHaveLength(recordsBefore + 1);
    expect(records[0]).toMatchObject({ action: 'rejected', licenseId: null, detail: expect.stringContaining('signature') });
    const rejected = await admin('records', '--action', 'rejected');
    expectExit(rejected, 0);
    expect(rejected.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('installs nothing from an archive whose good Base comes with a tampered Plus', async () => {
    const issued = await ctl(
      'vendor', 'issue',
      '--key', join(keyDir, `${KID}.key`), '--kid', KID,
      '--request-key', 'request-key.txt',
      '--base', 'standard:hosts=10',
      '--plus', 'backup',
      '--expires', expires,
      '-o', 'mixed.txt',
    );
    expectExit(issued, 0);
    const tokens = (await readFile(join(work, 'mixed.txt'), 'utf8'))
      .split('\n')
      .filter(l => l && !l.startsWith('#'));
    expect(tokens).toHaveLength(2);
    const badPlus = tamper(tokens[1], c => {
      c.license.item = 'gpu';
    });
    await writeFile(
      join(work, 'mixed.tar.gz'),
      buildTarGz([
        { path: 'base.lic', content: `${tokens[0]}\n` },
        { path: 'plus.lic', content: `${badPlus}\n` },
      ]),
    );
    const before = await statusJson();
    const r = await admin('install', '-f', 'mixed.tar.gz');
    expectExit(r, 1);
    expect(stderrLines(r)).toHaveLength(1);
    const after = await statusJson();
    expect(after).toEqual(before);
    expect(after.edition).toBe('enterprise-prepaid');
  });

  it('fails with exit 1 and one line once the backend is gone', async () => {
    await stopBackend();
    const r = await admin('status');
    expectExit(r, 1);
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot reach the backend/);
  });
});
