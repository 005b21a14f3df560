/**
 * Crash safety: a real backend process (src/crashBackend.ts) is killed with
 * SIGKILL while uploads and deletes run against it, round after round, on
 * SQLite and on PostgreSQL; after each restart every license must be whole
 * and agree with the licensing records — nothing half-installed, no record
 * without its license change, no acknowledged change lost.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import knexFactory from 'knex';
import type { LicenseClaims } from '@backstage-licensing/plugin-license-management-common';
import { signLicenseToken } from '@backstage-licensing/license-vendor';
import { ProcessGroup, freePort, sleep, waitForUrl } from '../support/processGroup';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 8);
const WORKERS = 4;
const TEST_DIR = resolve(__dirname, '..');
const TOKEN = randomBytes(24).toString('hex');
const PG = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
const MODULES = ['vmware', 'backup', 'gpu', 'arm64', 'cdp', 'sdn', 'billing', 'sriov', 'baremetal', 'tenant-management'];

jest.setTimeout(170_000);

interface View {
  id: string;
  state: string;
}
interface RecordItem {
  action: string;
  licenseId: string | null;
}

/** One portal: its database, its vendor key, and the backend process of the moment. */
class Portal {
  private backend?: ProcessGroup;
  private port = 0;
  keyId = '';
  readonly vendor = { kid: 'crash-vendor', ...pems() };
  private seq = 0;

  constructor(
    private readonly name: string,
    private readonly database: Record<string, unknown>,
    private readonly work: string,
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}/api/license-management`;
  }

  async start() {
    this.port ||= await freePort();
    this.backend = ProcessGroup.start({
      command: process.execPath,
      args: ['--require', '@backstage/cli/config/nodeTransform.cjs', 'src/crashBackend.ts'],
      cwd: TEST_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        CRASH_PORT: String(this.port),
        CRASH_DATABASE: JSON.stringify(this.database),
        CRASH_VENDOR_PUBLIC_KEY: this.vendor.publicKeyPem,
        CRASH_TOKEN: TOKEN,
      },
      logFile: join(this.work, `${this.name}.log`),
    });
    await waitForUrl(`${this.url}/health`, { timeoutMs: 90_000, process: this.backend, what: `the ${this.name} backend` });
    this.keyId = (await (await this.api('/key-id')).json()).keyId;
  }

  /** SIGKILL to the whole process group: no shutdown hook runs. */
  async kill() {
    const backend = this.backend!;
    try {
      process.kill(-backend.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
    await backend.stop();
  }

  api(path: string, init: RequestInit = {}) {
    return fetch(`${this.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string>) },
      signal: AbortSignal.timeout(10_000),
    });
  }

  sign(type: 'base' | 'plus', item: string) {
    const iat = Math.floor(Date.now() / 1000) - 60;
    const claims = {
      jti: `${this.name}-${type}-${++this.seq}`,
      iss: 'crash-vendor',
      sub: this.keyId,
      iat,
      exp: iat + 365 * 86_400,
      license: { type, item, method: 'request-key' },
    } as LicenseClaims;
    return signLicenseToken(claims, this.vendor);
  }

  upload(text: string) {
    return this.api('/licenses', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text });
  }

  async licenses(): Promise<View[]> {
    return (await this.api('/licenses')).json();
  }

  /** Every record, oldest first. */
  async records(): Promise<RecordItem[]> {
    const items: RecordItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: RecordItem[]; nextCursor: string | null } = await (
        await this.api(`/records?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items.reverse();
  }

  stop() {
    return this.backend?.stop();
  }

  log() {
    return this.backend?.log(20) ?? '';
  }
}

function pems() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** What the records say is installed: each upload installs, each delete removes. */
function replay(records: RecordItem[]): string[] {
  const installed = new Set<string>();
  for (const r of records) {
    if (r.action === 'upload') installed.add(r.licenseId!);
    if (r.action === 'delete') installed.delete(r.licenseId!);
  }
  return [...installed].sort();
}

/** Changes the backend answered before it was killed: those must survive. */
interface Acknowledged {
  installed: Set<string>;
  deleted: Set<string>;
  /** Deletes sent but not answered before the kill: either outcome is right. */
  unanswered: Set<string>;
}

/** Uploads (1-3 new Plus licenses per file) and deletes, until the backend is gone. */
async function worker(portal: Portal, ack: Acknowledged, files: string[][], gone: { yes: boolean }) {
  let i = 0;
  // Files of its own: workers race each other only over deletes.
  while (!gone.yes) {
    // Never the Base; never one whose delete is on its way, so that one request's answer stands for it.
    const live = [...ack.installed].filter(id => !ack.deleted.has(id) && !ack.unanswered.has(id) && !id.includes('-base-'));
    try {
      if (live.length > 4 && Math.random() < 0.4) {
        const id = live[Math.floor(Math.random() * live.length)];
        ack.unanswered.add(id);
        const res = await portal.api(`/licenses/${id}`, { method: 'DELETE' });
        if (res.status === 204) ack.deleted.add(id);
        if (res.status === 204 || res.status === 404) ack.unanswered.delete(id);
      } else {
        const file = files[i++];
        if (!file) return;
        const res = await portal.upload(file.join('\n'));
        if (res.status === 201) {
          for (const l of (await res.json()).installed as View[]) ack.installed.add(l.id);
        }
      }
    } catch {
      // the backend was killed under this request
      return;
    }
  }
}

/** After a restart: every license whole and as the records say; every acknowledged change kept. */
async function expectConsistent(portal: Portal, ack: Acknowledged) {
  const [licenses, records] = await Promise.all([portal.licenses(), portal.records()]);
  const ids = licenses.map(l => l.id).sort();
  expect(ids).toEqual(replay(records));
  expect(licenses.filter(l => l.state === 'tampered')).toEqual([]);
  const present = new Set(ids);
  const lost = [...ack.installed].filter(id => !ack.deleted.has(id) && !ack.unanswered.has(id) && !present.has(id));
  const revived = [...ack.deleted].filter(id => present.has(id));
  expect({ lost, revived }).toEqual({ lost: [], revived: [] });
  return { licenses: licenses.length, records: records.length };
}

async function scenario(name: string, database: Record<string, unknown>, work: string) {
  const portal = new Portal(name, database, work);
  const ack: Acknowledged = { installed: new Set(), deleted: new Set(), unanswered: new Set() };
  const started = Date.now();
  try {
    await portal.start();
    const base = await portal.upload(await portal.sign('base', 'enterprise-prepaid'));
    expect(base.status).toBe(201);
    for (const l of (await base.json()).installed as View[]) ack.installed.add(l.id);
    for (let round = 1; round <= ROUNDS; round++) {
      // Signed before the load starts, so that the load is only requests.
      const files: string[][] = [];
      for (let f = 0; f < WORKERS * 10; f++) {
        const file: string[] = [];
        for (let n = 1 + (f % 3); n > 0; n--) file.push(await portal.sign('plus', MODULES[(f * 3 + n) % MODULES.length]));
        files.push(file);
      }
      const gone = { yes: false };
      const workers = Array.from({ length: WORKERS }, (_, w) => worker(portal, ack, files.slice(w * 10, w * 10 + 10), gone));
      await sleep(300 + Math.random() * 700);
      gone.yes = true;
      await portal.kill();
      await Promise.all(workers);
      await portal.start();
      const seen = await expectConsistent(portal, ack);
      // eslint-disable-next-line no-console
      console.log(`${name} round ${round}: ${seen.licenses} licenses, ${seen.records} records, consistent`);
    }
    // Changes were made and kept: the rounds did real work.
    expect(ack.installed.size).toBeGreaterThan(ROUNDS);
    expect(ack.deleted.size).toBeGreaterThan(0);
    // eslint-disable-next-line no-console
    console.log(`${name}: ${ROUNDS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- ${name} backend log ---\n${portal.log()}`);
  } finally {
    await portal.stop();
  }
}

describe('a backend killed with SIGKILL during uploads and deletes', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lm-crash-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it(`comes back whole on SQLite, ${ROUNDS} times`, async () => {
    await scenario('sqlite', { client: 'better-sqlite3', connection: { directory: join(work, 'sqlite') } }, work);
  });

  (PG ? it : it.skip)(`comes back whole on PostgreSQL, ${ROUNDS} times`, async () => {
    const prefix = `lm_crash_${process.pid}_`;
    try {
      await scenario('postgres', { client: 'pg', connection: PG, prefix }, work);
    } finally {
      const admin = knexFactory({ client: 'pg', connection: PG });
      try {
        const { rows } = await admin.raw('SELECT datname FROM pg_database WHERE datname LIKE ?', [`${prefix}%`]);
        for (const { datname } of rows) await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [datname]);
      } finally {
        await admin.destroy();
      }
    }
  });
});
