import { cli, standInPortal } from './testUtils';

const stub = standInPortal();
const { seen, routes } = stub;


const api = (path: string) => `/api/license-management${path}`;
const SITES = [
  {
    id: 'site-1',
    name: 'Branch A',
    createdAt: '2026-12-01T10:00:00.000Z',
    lastSeenAt: '2026-12-01T12:00:00.000Z',
    lease: { modules: ['vmware'], quota: { hosts: 5 }, expiresAt: '2026-12-01T12:01:00.000Z' },
  },
  { id: 'site-2', name: 'Lab', createdAt: '2026-12-01T11:00:00.000Z', lastSeenAt: null, lease: null },
];

describe('license-ctl sharing', () => {
  it('add-site registers a site with the token and prints the credential once, with a warning to keep it', async () => {
    routes[`POST ${api('/sharing/sites')}`] = () => ({ status: 201, body: { id: 'site-1', name: 'Branch A', credential: 'site-1.SECRET' } });
    const r = await cli('sharing', 'add-site', 'Branch A', '--url', stub.url, '--token', 'tok');
    expect(r).toMatchObject({ code: 0, err: [] });
    expect(seen).toEqual([{ method: 'POST', url: api('/sharing/sites'), authorization: 'Bearer tok', body: JSON.stringify({ name: 'Branch A' }) }]);
    expect(r.out.split('\n')).toEqual([
      "registered client site 'Branch A' (site-1)",
      'credential: site-1.SECRET',
      'Keep the credential now: the server stores only its hash and cannot show it again.',
    ]);
  });

  it('sites lists one row per site with its lease, or the raw JSON with --json', async () => {
    routes[`GET ${api('/sharing/sites')}`] = () => ({ status: 200, body: SITES });
    const r = await cli('sharing', 'sites', '--url', stub.url, '--token', 'tok');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'site-1\tBranch A\t2026-12-01T12:00:00.000Z\tmodules vmware; quota hosts=5; until 2026-12-01T12:01:00.000Z',
      'site-2\tLab\tnever seen\tno lease',
    ]);
    const json = await cli('sharing', 'sites', '--json', '--url', stub.url, '--token', 'tok');
    expect(JSON.parse(json.out)).toEqual(SITES);
  });

  it('sites says how to register one when there is none', async () => {
    routes[`GET ${api('/sharing/sites')}`] = () => ({ status: 200, body: [] });
    expect((await cli('sharing', 'sites', '--url', stub.url, '--token', 'tok')).out).toMatch(/no client sites registered \(license-ctl sharing add-site NAME/);
  });

  it('revoke deletes the site by id', async () => {
    routes[`DELETE ${api('/sharing/sites/site%201')}`] = () => ({ status: 204 });
    const r = await cli('sharing', 'revoke', 'site 1', '--url', stub.url, '--token', 'tok');
    expect(r).toMatchObject({ code: 0, err: [] });
    expect(seen[0]).toMatchObject({ method: 'DELETE', url: api('/sharing/sites/site%201') });
    expect(r.out).toBe('revoked client site site 1: its lease ended and its credential no longer works');
  });

  it('fails with one line: the server’s message (a portal without sharing, a denied permission)', async () => {
    routes[`GET ${api('/sharing/sites')}`] = () => ({
      status: 404,
      body: { error: { name: 'NotFoundError', message: 'License sharing is not enabled on this portal: set licenseManagement.sharing.enabled to true to make it a license server.' } },
    });
    const r = await cli('sharing', 'sites', '--url', stub.url, '--token', 'tok');
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      'license-ctl: License sharing is not enabled on this portal: set licenseManagement.sharing.enabled to true to make it a license server. (HTTP 404).',
    ]);
  });

  it('status on a license server shows what is leased with the use, and that it serves client sites', async () => {
    routes[`GET ${api('/status')}`] = () => ({
      status: 200,
      body: {
        edition: 'standard',
        editionTitle: 'Standard',
        state: 'valid',
        method: 'request-key',
        productVersion: '1.0.0',
        keyId: 'K',
        base: null,
        plus: [],
        quotas: [{ metric: 'hosts', title: 'Hosts', authorized: 10, used: 3, leased: 5, exceeded: false, reporters: [] }],
        exceptions: [],
        server: { status: 'serving', url: null },
      },
    });
    const r = await cli('status', '--url', stub.url, '--token', 'tok');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Quota\s+hosts 3 \+ 5 leased\/10\n/);
    expect(r.out).toMatch(/License server\s+serving client sites/);
  });

  it('is bad usage without a name or an id', async () => {
    expect((await cli('sharing', 'add-site', '--url', stub.url, '--token', 'tok')).code).toBe(2);
    expect((await cli('sharing', 'revoke', '--url', stub.url, '--token', 'tok')).code).toBe(2);
  });
});
