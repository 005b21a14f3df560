import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTarGz } from '@backstage-licensing/license-vendor';
import {
  LICENSE_METHODS,
  LICENSE_STATES,
  LICENSE_TYPES,
  RECORD_ACTIONS,
} from '@backstage-licensing/plugin-license-management-common';
import { cli } from './testUtils';


interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: Buffer;
}

/** A stand-in for the backend: answers from `routes`, remembers every request. */
const seen: Seen[] = [];
let routes: Record<string, (req: Seen) => { status: number; body?: unknown; text?: string }> = {};
let server: Server;
let url: string;
let dir: string;
let savedToken: string | undefined;

const license = (over: Record<string, unknown> = {}) => ({
  id: 'lic-base',
  type: 'base',
  item: 'enterprise-prepaid',
  title: 'Enterprise Prepaid',
  method: 'request-key',
  keyId: 'AAAAA-BBBBB-CCCCC-DDDDD',
  issuer: 'v',
  customer: null,
  state: 'valid',
  issuedAt: '2026-01-01T00:00:00.000Z',
  notBefore: null,
  expiresAt: '2027-04-01T00:00:00.000Z',
  quota: { hosts: 100 },
  deletable: false,
  uploadedAt: '2026-01-02T00:00:00.000Z',
  ...over,
});

const STATUS = {
  edition: 'enterprise-prepaid',
  editionTitle: 'Enterprise Prepaid',
  state: 'valid',
  method: 'request-key',
  productVersion: '1.0.0',
  keyId: 'AAAAA-BBBBB-CCCCC-DDDDD',
  base: license(),
  plus: [license({ id: 'lic-vm', type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 32 }, deletable: true })],
  quotas: [{ metric: 'hosts', title: 'Hosts', authorized: 100, used: 120, exceeded: true }],
  exceptions: [{ code: 'QUOTA_EXCEEDED', message: 'hosts: 120 used, 100 authorized' }],
  usbKey: { status: 'missing', keyId: null, enabled: false },
  server: { status: 'not-configured', url: null },
  evaluatedAt: '2026-11-28T00:00:00.000Z',
};

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  savedToken = process.env.LICENSE_CTL_TOKEN;
  delete process.env.LICENSE_CTL_TOKEN;
  dir = await mkdtemp(join(tmpdir(), 'license-ctl-admin-'));
  server = createServer(async (req, res) => {
    const s: Seen = {
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: await body(req),
    };
    seen.push(s);
    const route = routes[`${s.method} ${s.url.split('?')[0]}`];
    const answer = route
      ? route(s)
      : { status: 404, body: { error: { name: 'NotFoundError', message: `no route ${s.url}` } } };
    res.statusCode = answer.status;
    if (answer.text !== undefined) {
      res.setHeader('content-type', 'text/plain');
      res.end(answer.text);
    } else if (answer.body !== undefined) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer.body));
    } else {
      res.end();
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (savedToken !== undefined) process.env.LICENSE_CTL_TOKEN = savedToken;
  await new Promise(resolve => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  routes = {};
});

const api = (path: string) => `/api/license-management${path}`;

describe('admin verbs', () => {
  it('install sends a .tar.gz as application/gzip with the token, and prints what was installed', async () => {
    routes[`POST ${api('/licenses')}`] = () => ({
      status: 201,
      body: { installed: [license(), license({ id: 'lic-vm', type: 'plus', item: 'vmware' })], unchanged: [] },
    });
    const file = join(dir, 'lic.tar.gz');
    await writeFile(file, buildTarGz([{ path: 'a.lic', content: 'x.y.z\n' }]));
    const r = await cli('install', '--url', url, '--token', 'secret', '-f', file);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0].authorization).toBe('Bearer secret');
    expect(seen[0].contentType).toBe('application/gzip');
    expect(seen[0].body.equals(await readFile(file))).toBe(true);
    expect(r.out).toContain('installed base enterprise-prepaid lic-base');
    expect(r.out).toContain('installed plus vmware lic-vm');
  });

  it('install tells gzip from text by content, not by name, and reports unchanged licenses', async () => {
    routes[`POST ${api('/licenses')}`] = () => ({ status: 200, body: { installed: [], unchanged: [license()] } });
    const file = join(dir, 'really-text.tar.gz');
    await writeFile(file, 'x.y.z\n');
    const r = await cli('install', '--url', url, '--token', 't', '-f', file);
    expect(r.code).toBe(0);
    expect(seen[0].contentType).toBe('text/plain');
    expect(r.out).toContain('unchanged base enterprise-prepaid lic-base');
  });

  it('takes the token from LICENSE_CTL_TOKEN', async () => {
    routes[`GET ${api('/key-id')}`] = () => ({ status: 200, body: { keyId: 'AAAAA-BBBBB-CCCCC-DDDDD' } });
    process.env.LICENSE_CTL_TOKEN = 'from-env';
    try {
      const r = await cli('key-id', '--url', `${url}/`);
      expect(r.code).toBe(0);
      expect(r.out).toBe('AAAAA-BBBBB-CCCCC-DDDDD');
      expect(seen[0].authorization).toBe('Bearer from-env');
      expect(seen[0].url).toBe(api('/key-id'));
    } finally {
      delete process.env.LICENSE_CTL_TOKEN;
    }
  });

  it('status prints a table, and the raw JSON with --json', async () => {
    routes[`GET ${api('/status')}`] = () => ({ status: 200, body: STATUS });
    const table = await cli('status', '--url', url, '--token', 't');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/Edition\s+Enterprise Prepaid \(enterprise-prepaid\)/);
    expect(table.out).toMatch(/Quota\s+hosts 120\/100 EXCEEDED/);
    expect(table.out).toMatch(/Exception\s+QUOTA_EXCEEDED/);
    const json = await cli('status', '--url', url, '--token', 't', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(STATUS);
  });

  it('status shows each license as valid through its last day and the method by its title, never the raw expiry', async () => {
    routes[`GET ${api('/status')}`] = () => ({ status: 200, body: STATUS });
    const r = await cli('status', '--url', url, '--token', 't');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Method\s+Request key$/m);
    expect(r.out).toMatch(/^Base\s+lic-base, valid, valid through 2027-03-31$/m);
    expect(r.out).toMatch(/^Plus\s+vmware lic-vm, valid through 2027-03-31$/m);
    expect(r.out).not.toContain('2027-04-01');
  });

  it('status takes the last valid day the server sends (validThrough) and names a license server', async () => {
    routes[`GET ${api('/status')}`] = () => ({
      status: 200,
      body: { ...STATUS, method: 'server', base: license({ validThrough: '2027-12-31' }), plus: [] },
    });
    const r = await cli('status', '--url', url, '--token', 't');
    expect(r.out).toMatch(/^Method\s+License server$/m);
    expect(r.out).toMatch(/^Base\s+lic-base, valid, valid through 2027-12-31$/m);
  });

  it('install says what it installed and until which day it is valid', async () => {
    routes[`POST ${api('/licenses')}`] = () => ({ status: 201, body: { installed: [license()], unchanged: [], superseded: [] } });
    const file = join(dir, 'through.txt');
    await writeFile(file, 'x.y.z\n');
    const r = await cli('install', '--url', url, '--token', 't', '-f', file);
    expect(r.out).toBe('installed base enterprise-prepaid lic-base (valid, valid through 2027-03-31)');
  });

  it('clock acknowledge posts to /clock/acknowledge and prints the reset mark and the status', async () => {
    routes[`POST ${api('/clock/acknowledge')}`] = () => ({
      status: 200,
      body: {
        previousHighWaterMark: '2028-06-01T12:00:00.000Z',
        highWaterMark: '2026-06-01T12:00:00.000Z',
        status: { ...STATUS, exceptions: [] },
      },
    });
    const r = await cli('clock', 'acknowledge', '--url', url, '--token', 't');
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: api('/clock/acknowledge'), authorization: 'Bearer t' });
    expect(r.out).toBe(
      'clock fault acknowledged: high-water mark 2028-06-01T12:00:00.000Z -> 2026-06-01T12:00:00.000Z\nstatus: Enterprise Prepaid, valid',
    );
  });

  it('clock acknowledge fails in one line when the backend refuses', async () => {
    routes[`POST ${api('/clock/acknowledge')}`] = () => ({
      status: 403,
      body: { error: { name: 'NotAllowedError', message: 'Missing permission license-management.license.create' } },
    });
    const r = await cli('clock', 'acknowledge', '--url', url, '--token', 't');
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^license-ctl: .*license-management.license.create/);
    expect(await cli('clock')).toMatchObject({ code: 2 });
  });

  it('request-key writes the file the backend sends', async () => {
    routes[`GET ${api('/request-key')}`] = () => ({ status: 200, text: '# License Management request key\nabc.def.ghi\n' });
    const file = join(dir, 'request-key.txt');
    const r = await cli('request-key', '--url', url, '--token', 't', '-o', file);
    expect(r.code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe('# License Management request key\nabc.def.ghi\n');
  });

  it('request-key fails in one line when the output cannot be written', async () => {
    routes[`GET ${api('/request-key')}`] = () => ({ status: 200, text: 'x' });
    const r = await cli('request-key', '--url', url, '--token', 't', '-o', join(dir, 'no', 'dir', 'rk.txt'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot write/);
  });

  it('delete encodes the id and reports the server message of a refusal in one line', async () => {
    routes[`DELETE ${api('/licenses/lic-vm')}`] = () => ({ status: 204 });
    routes[`DELETE ${api('/licenses/lic-base')}`] = () => ({
      status: 409,
      body: { error: { name: 'ConflictError', message: 'A Base license cannot be deleted.\nUpload a new one.' } },
    });
    const ok = await cli('delete', 'lic-vm', '--url', url, '--token', 't');
    expect(ok.code).toBe(0);
    expect(ok.out).toBe('deleted lic-vm');
    const refused = await cli('delete', 'lic-base', '--url', url, '--token', 't');
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual(['license-ctl: A Base license cannot be deleted. Upload a new one. (HTTP 409).']);
    const odd = await cli('delete', 'a/b', '--url', url, '--token', 't');
    expect(odd.code).toBe(1);
    expect(seen[2].url).toBe(api('/licenses/a%2Fb'));
  });

  it('reports a 401 with a hint about the token', async () => {
    routes[`GET ${api('/status')}`] = () => ({ status: 401, body: { error: { name: 'AuthenticationError', message: 'Illegal token' } } });
    const r = await cli('status', '--url', url, '--token', 'wrong');
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/Illegal token \(HTTP 401\)\. Check --token/);
  });

  it('reports a non-JSON error body by its status', async () => {
    routes[`POST ${api('/reload')}`] = () => ({ status: 502, text: '<html>\nBad gateway\n</html>' });
    const r = await cli('reload', '--url', url, '--token', 't');
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/HTTP 502/);
  });

  it('reload prints the new state', async () => {
    routes[`POST ${api('/reload')}`] = () => ({ status: 200, body: STATUS });
    const r = await cli('reload', '--url', url, '--token', 't');
    expect(r.code).toBe(0);
    expect(r.out).toBe('reloaded: Enterprise Prepaid, valid');
  });

  it('records passes its filters and prints one row per record and the next cursor', async () => {
    routes[`GET ${api('/records')}`] = () => ({
      status: 200,
      body: {
        items: [
          {
            id: '2', time: '2026-11-28T00:00:01.000Z', action: 'delete', licenseId: 'lic-vm', type: 'plus', item: 'vmware',
            method: 'request-key', quota: { 'vmware-cpus': 32 }, state: 'valid', issuedAt: null,
            expiresAt: '2027-04-01T00:00:00.000Z', actor: 'license-ctl', detail: null,
          },
          {
            id: '1', time: '2026-11-28T00:00:00.000Z', action: 'reload', licenseId: null, type: null, item: null,
            method: null, quota: {}, state: null, issuedAt: null, expiresAt: null, actor: 'license-ctl', detail: null,
          },
        ],
        nextCursor: 'c2',
      },
    });
    const r = await cli('records', '--url', url, '--token', 't', '--limit', '2', '--type', 'plus', '--action', 'delete');
    expect(r.code).toBe(0);
    const q = new URL(seen[0].url, 'http://x').searchParams;
    expect(Object.fromEntries(q)).toEqual({ limit: '2', type: 'plus', action: 'delete' });
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0].split('\t').slice(1, 4)).toEqual(['delete', 'plus', 'vmware']);
    // The method by its title, the expiry as the last valid day (expiresAt is 2027-04-01T00:00Z).
    expect(lines[0].split('\t').slice(4, 8)).toEqual(['Request key', 'valid', 'vmware-cpus=32', 'valid through 2027-03-31']);
    expect(lines[1].split('\t').slice(4, 8)).toEqual(['-', '-', '-', '-']);
    expect(r.out).not.toContain('2027-04-01');
    expect(lines[1].split('\t').slice(1, 4)).toEqual(['reload', '-', '-']);
    expect(lines[2]).toBe('# more: --cursor c2');
    const json = await cli('records', '--url', url, '--token', 't', '--json');
    expect(JSON.parse(json.out).nextCursor).toBe('c2');
  });

  it('records --json prints the page as the API sends it', async () => {
    const page = {
      items: [
        {
          id: '1', time: '2026-11-28T00:00:00.000Z', action: 'upload', licenseId: 'lic-base', type: 'base', item: 'standard',
          method: 'usb-key', quota: {}, state: 'valid', issuedAt: null, expiresAt: '2027-04-01T00:00:00.000Z',
          actor: 'user:default/admin', detail: null,
        },
      ],
      nextCursor: null,
    };
    routes[`GET ${api('/records')}`] = () => ({ status: 200, body: page });
    const r = await cli('records', '--url', url, '--token', 't', '--json');
    expect(JSON.parse(r.out)).toEqual(page);
  });

  it.each([
    ['--type', LICENSE_TYPES],
    ['--method', LICENSE_METHODS],
    ['--state', LICENSE_STATES],
    ['--action', RECORD_ACTIONS],
  ] as const)('records %s takes every value of its -common list and passes it on', async (flag, values) => {
    routes[`GET ${api('/records')}`] = () => ({ status: 200, body: { items: [], nextCursor: null } });
    for (const value of values) {
      seen.length = 0;
      const r = await cli('records', '--url', url, '--token', 't', flag, value);
      expect([flag, value, r.code, r.err]).toEqual([flag, value, 0, []]);
      expect(new URL(seen[0].url, 'http://x').searchParams.get(flag.slice(2))).toBe(value);
    }
  });

  it.each([
    ['--type', 'gold', LICENSE_TYPES],
    ['--method', 'Request key', LICENSE_METHODS],
    ['--state', 'broken', LICENSE_STATES],
    ['--action', 'burn', RECORD_ACTIONS],
  ] as const)('records %s %p is bad usage that names the allowed values, and asks nothing', async (flag, value, allowed) => {
    const r = await cli('records', '--url', url, '--token', 't', flag, value);
    expect(r.code).toBe(2);
    expect(r.err.join(' ')).toContain(allowed.join(', '));
    expect(seen).toEqual([]);
  });
});
