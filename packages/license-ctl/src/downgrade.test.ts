import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './testUtils';

/** A stand-in backend: answers `answer` to every request and remembers what it was asked. */
let answer: { status: number; body: unknown };
const seen: { method: string; url: string }[] = [];
let server: Server;
let url: string;
let dir: string;
let file: string;

const CONSEQUENCES = [
  'The Base edition in force would change from Enterprise Prepaid to Standard, which has fewer features: GPU Service, CloudFormation and Auto-Scaling Service would no longer be licensed.',
  'The authorized Hosts would drop from 100 to 20 while 50 are in use, exceeding it by 30, so most features would be unavailable (QUOTA_EXCEEDED).',
];

/** The backend's 409 for a downgrade: Backstage's error body with `message` and `consequences` beside it. */
const refusal = (message: string, consequences = CONSEQUENCES) => ({
  status: 409,
  body: {
    error: { name: 'ConflictError', message, consequences },
    request: { method: 'POST', url: '/' },
    response: { statusCode: 409 },
    message,
    consequences,
  },
});

const view = (over: Record<string, unknown>) => ({
  type: 'base',
  item: 'standard',
  title: 'Standard',
  method: 'request-key',
  keyId: 'K',
  issuer: 'v',
  customer: null,
  state: 'valid',
  issuedAt: '2026-01-01T00:00:00.000Z',
  notBefore: null,
  expiresAt: '2027-01-01T00:00:00.000Z',
  quota: {},
  deletable: false,
  uploadedAt: '2026-01-02T00:00:00.000Z',
  ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'license-ctl-downgrade-'));
  file = join(dir, 'standard.lic');
  await writeFile(file, 'x.y.z\n');
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url! });
    req.resume();
    req.on('end', () => {
      res.statusCode = answer.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise(resolve => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

const conn = () => ['--url', url, '--token', 't'];

describe('install and reinstate: downgrades', () => {
  it('install prints the refusal, each consequence and to re-run with --acknowledge; exit 1', async () => {
    answer = refusal('Nothing was installed: this upload would reduce what the portal is licensed for (2 consequences).');
    const r = await cli('install', ...conn(), '-f', file);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toEqual([
      'license-ctl: Nothing was installed: this upload would reduce what the portal is licensed for (2 consequences). (HTTP 409)',
      `  - ${CONSEQUENCES[0]}`,
      `  - ${CONSEQUENCES[1]}`,
      'Re-run with --acknowledge to install it anyway.',
    ]);
    expect(seen).toEqual([{ method: 'POST', url: '/api/license-management/licenses' }]);
  });

  it('reads the consequences from the error object too, and keeps each on one line', async () => {
    answer = refusal('Refused.', ['one\nsentence']);
    delete (answer.body as any).consequences;
    const r = await cli('install', ...conn(), '-f', file);
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['license-ctl: Refused. (HTTP 409)', '  - one sentence', 'Re-run with --acknowledge to install it anyway.']);
  });

  it('install --acknowledge sends acknowledge=true and prints what the upload superseded', async () => {
    answer = {
      status: 201,
      body: {
        installed: [view({ id: 'std' })],
        unchanged: [],
        superseded: [view({ id: 'ent', item: 'enterprise-prepaid', state: 'superseded' })],
      },
    };
    const r = await cli('install', ...conn(), '-f', file, '--acknowledge');
    expect(r.code).toBe(0);
    expect(seen).toEqual([{ method: 'POST', url: '/api/license-management/licenses?acknowledge=true' }]);
    expect(r.out.split('\n')).toEqual([
      'installed base standard std (valid, valid through 2026-12-31)',
      'superseded base enterprise-prepaid ent (no longer in force; reinstate ent brings it back)',
    ]);
  });

  it('keeps any other 409 one line', async () => {
    answer = { status: 409, body: { error: { name: 'ConflictError', message: 'A different license with the id x is installed.' }, response: { statusCode: 409 } } };
    const r = await cli('install', ...conn(), '-f', file);
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['license-ctl: A different license with the id x is installed. (HTTP 409).']);
  });

  it('reinstate ID calls the route and prints what is back in force and what it superseded', async () => {
    answer = {
      status: 200,
      body: {
        reinstated: view({ id: 'ent/1', item: 'enterprise-prepaid' }),
        superseded: [view({ id: 'std', state: 'superseded' })],
      },
    };
    const r = await cli('reinstate', 'ent/1', ...conn());
    expect(r.code).toBe(0);
    expect(seen).toEqual([{ method: 'POST', url: '/api/license-management/licenses/ent%2F1/reinstate' }]);
    expect(r.out.split('\n')).toEqual([
      'reinstated base enterprise-prepaid ent/1 (valid, valid through 2026-12-31)',
      'superseded base standard std (no longer in force; reinstate std brings it back)',
    ]);
  });

  it('reinstate refuses a downgrade unless --acknowledge', async () => {
    answer = refusal('The license was not reinstated: it would reduce what the portal is licensed for (1 consequence).', [CONSEQUENCES[1]]);
    const r = await cli('reinstate', 'std', ...conn());
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      'license-ctl: The license was not reinstated: it would reduce what the portal is licensed for (1 consequence). (HTTP 409)',
      `  - ${CONSEQUENCES[1]}`,
      'Re-run with --acknowledge to reinstate it anyway.',
    ]);

    answer = { status: 200, body: { reinstated: view({ id: 'std' }), superseded: [] } };
    expect((await cli('reinstate', 'std', ...conn(), '--acknowledge')).code).toBe(0);
    expect(seen[1]).toEqual({ method: 'POST', url: '/api/license-management/licenses/std/reinstate?acknowledge=true' });
  });

  it('reinstate reports 404 and 409 in one line, and needs an id (exit 2)', async () => {
    answer = { status: 404, body: { error: { name: 'NotFoundError', message: "No installed license has the id 'x'." }, response: { statusCode: 404 } } };
    expect(await cli('reinstate', 'x', ...conn())).toMatchObject({
      code: 1,
      err: ["license-ctl: No installed license has the id 'x'. (HTTP 404)."],
    });
    expect((await cli('reinstate', ...conn())).code).toBe(2);
  });
});
