import { cli, standInPortal } from './testUtils';

const stub = standInPortal();
const { seen, routes } = stub;
beforeEach(() => {
  delete process.env.LICENSE_CTL_SITE_CREDENTIAL;
});

const PATH = '/api/license-management/server';
const connected = {
  url: 'http://licenses.example.com:7007',
  modules: ['vmware'],
  quota: { hosts: 5 },
  source: 'runtime',
  server: { status: 'connected', message: 'Licensed by the license server', graceUntil: '2026-12-02T12:00:00.000Z' },
};

describe('license-ctl server', () => {
  it('connect sends the server, credential and terms to PUT /server and says the site is connected', async () => {
    routes[`PUT ${PATH}`] = () => ({ status: 200, body: connected });
    const r = await cli(
      'server', 'connect', '--server-url', 'http://licenses.example.com:7007', '--credential', 'site-1.SECRET',
      '--module', 'vmware', '--quota', 'hosts=5', '--url', stub.url, '--token', 'tok',
    );
    expect(r).toMatchObject({ code: 0, err: [] });
    expect(seen).toEqual([
      {
        method: 'PUT',
        url: PATH,
        authorization: 'Bearer tok',
        body: JSON.stringify({ url: 'http://licenses.example.com:7007', credential: 'site-1.SECRET', modules: ['vmware'], quota: { hosts: 5 } }),
      },
    ]);
    expect(r.out.split('\n')).toEqual([
      'connected to the license server http://licenses.example.com:7007: this portal runs on its lease (renewed by itself)',
      'the lease holds without the server until 2026-12-02T12:00:00.000Z',
    ]);
    expect(r.out).not.toContain('SECRET');
  });

  it('connect takes the credential from LICENSE_CTL_SITE_CREDENTIAL, and with neither is bad usage', async () => {
    routes[`PUT ${PATH}`] = () => ({ status: 200, body: connected });
    process.env.LICENSE_CTL_SITE_CREDENTIAL = 'from-env';
    expect((await cli('server', 'connect', '--server-url', 'http://x', '--url', stub.url, '--token', 'tok')).code).toBe(0);
    expect(JSON.parse(seen[0].body)).toEqual({ url: 'http://x', credential: 'from-env', modules: [], quota: {} });
    delete process.env.LICENSE_CTL_SITE_CREDENTIAL;
    const none = await cli('server', 'connect', '--server-url', 'http://x', '--url', stub.url, '--token', 'tok');
    expect(none.code).toBe(2);
    expect(none.err.join('')).toMatch(/No credential: pass --credential/);
    expect((await cli('server', 'connect', '--credential', 'c', '--url', stub.url, '--token', 'tok')).code).toBe(2);
    const badQuota = await cli('server', 'connect', '--server-url', 'http://x', '--credential', 'c', '--quota', 'hosts', '--url', stub.url, '--token', 'tok');
    expect(badQuota.code).toBe(2);
    expect(badQuota.err.join('')).toMatch(/--quota 'hosts': use METRIC=N/);
  });

  it('connect fails (exit 1) in one line when the server refuses, saying the setting stays and the site retries', async () => {
    routes[`PUT ${PATH}`] = () => ({
      status: 200,
      body: { ...connected, server: { status: 'refused', message: '401: Unknown client site credential', graceUntil: null } },
    });
    const r = await cli('server', 'connect', '--server-url', 'http://x', '--credential', 'c', '--url', stub.url, '--token', 'tok');
    expect(r.code).toBe(1);
    expect(r.err).toEqual([
      "license-ctl: server licensing is set to http://licenses.example.com:7007, but the server refused: 401: Unknown client site credential. The portal retries by itself; 'license-ctl status' shows when it connects, 'license-ctl server disconnect' goes back to local licensing.",
    ]);
  });

  it("connect reports the portal's own refusal (400, 403) in one line", async () => {
    routes[`PUT ${PATH}`] = () => ({ status: 400, body: { error: { name: 'InputError', message: "Invalid server connection: server.url must be an http or https URL" } } });
    const r = await cli('server', 'connect', '--server-url', 'ftp://x', '--credential', 'c', '--url', stub.url, '--token', 'tok');
    expect(r.code).toBe(1);
    expect(r.err.join('')).toMatch(/server\.url must be an http or https URL/);
  });

  it('disconnect deletes the setting: back to local licensing', async () => {
    routes[`DELETE ${PATH}`] = () => ({ status: 204 });
    const r = await cli('server', 'disconnect', '--url', stub.url, '--token', 'tok');
    expect(r).toMatchObject({ code: 0, err: [] });
    expect(seen).toEqual([{ method: 'DELETE', url: PATH, authorization: 'Bearer tok', body: '' }]);
    expect(r.out).toBe('server licensing is off: this portal runs on its local licenses again');
  });
});

describe('license-ctl status on a client site', () => {
  it('shows the license server line: status, server, last contact, until when the lease holds', async () => {
    routes['GET /api/license-management/status'] = () => ({
      status: 200,
      body: {
        edition: 'standard',
        editionTitle: 'Standard',
        state: 'valid',
        method: 'server',
        productVersion: '1.0.0',
        keyId: 'k',
        base: null,
        plus: [],
        quotas: [{ metric: 'hosts', used: 2, leased: 0, authorized: 5, exceeded: false }],
        exceptions: [],
        server: {
          status: 'connected',
          url: 'http://licenses.example.com:7007',
          lastContactAt: '2026-12-01T12:00:00.000Z',
          graceUntil: '2026-12-02T12:00:00.000Z',
          message: 'Licensed by the license server',
        },
      },
    });
    const r = await cli('status', '--url', stub.url, '--token', 'tok');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Method +License server/);
    expect(r.out).toMatch(
      /License server +connected \(http:\/\/licenses\.example\.com:7007\); last contact 2026-12-01T12:00:00\.000Z; lease holds until 2026-12-02T12:00:00\.000Z/,
    );
  });
});
