import { mockCredentials } from '@backstage/backend-test-utils';
import { verifyRequestKey } from '@backstage-licensing/license-vendor';
import request from 'supertest';
import { ADMIN, type Harness, startHarness } from '../testing/harness';

jest.setTimeout(30_000);

const api = '/api/license-management';

describe('license-management routes: access', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('answers /health without credentials', async () => {
    const res = await request(h.server).get(`${api}/health`).set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it.each([
    ['get', '/ping'],
    ['get', '/status'],
    ['get', '/licenses'],
    ['post', '/licenses'],
    ['delete', '/licenses/x'],
    ['post', '/reload'],
    ['post', '/clock/acknowledge'],
    ['get', '/key-id'],
    ['get', '/request-key'],
    ['get', '/records'],
    ['post', '/check'],
    ['put', '/usage/hosts'],
    ['get', '/usage'],
  ])('refuses %s %s without credentials (401)', async (method, path) => {
    const res = await (request(h.server) as any)
      [method](`${api}${path}`)
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
  });

  it.each([
    ['post', '/licenses', 'license-management.license.create'],
    ['delete', '/licenses/x', 'license-management.license.delete'],
    ['post', '/reload', 'license-management.license.create'],
    ['post', '/clock/acknowledge', 'license-management.license.create'],
    ['get', '/request-key', 'license-management.request-key.read'],
    ['get', '/records', 'license-management.record.read'],
    ['put', '/usage/hosts', 'license-management.usage.update'],
  ])('refuses %s %s to a user without the permission (403)', async (method, path, permission) => {
    const before = await h.snapshot();
    const res = await (request(h.server) as any)[method](`${api}${path}`)
      .set('Authorization', h.reader)
      .set('Content-Type', 'text/plain')
      .send('x');
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    expect(res.body.error.message).toContain(permission);
    expect(await h.snapshot()).toEqual(before);
  });

  it('lets every signed-in user read status, licenses, the Key ID and checks', async () => {
    for (const path of ['/ping', '/status', '/licenses', '/key-id', '/usage']) {
      const res = await request(h.server).get(`${api}${path}`).set('Authorization', h.reader);
      expect(res.status).toBe(200);
    }
    const res = await request(h.server)
      .post(`${api}/check`)
      .set('Authorization', h.reader)
      .send({ feature: 'license-management' });
    expect(res.body).toMatchObject({ allowed: true, code: 'OK' });
  });

  it('accepts service credentials', async () => {
    const res = await request(h.server).get(`${api}/status`).set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ edition: 'community', state: 'community', productVersion: '9.9.9', keyId: h.keyId });
  });

  it('serves a signed request key that names this installation', async () => {
    const res = await request(h.server).get(`${api}/request-key`).set('Authorization', h.admin);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`request-key-${h.keyId}.txt`);
    const content = await verifyRequestKey(res.text);
    expect(content).toMatchObject({ keyId: h.keyId, productVersion: '9.9.9', licenses: [] });
  });

  it('lets an admin acknowledge a clock fault: the mark is reset to now, recorded (POST /clock/acknowledge)', async () => {
    const res = await request(h.server).post(`${api}/clock/acknowledge`).set('Authorization', h.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      highWaterMark: new Date(h.clock.now).toISOString(),
      previousHighWaterMark: expect.any(String),
      status: expect.objectContaining({ exceptions: [] }),
    });
    const records = await request(h.server).get(`${api}/records?action=clock`).set('Authorization', h.admin);
    expect(records.body.items[0]).toMatchObject({ action: 'clock', actor: 'user:default/admin', detail: expect.stringMatching(/acknowledged/) });
  });

  it('validates record queries', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'cursor=xyz', 'type=other', 'unknown=1']) {
      const res = await request(h.server).get(`${api}/records?${query}`).set('Authorization', h.admin);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
    }
  });

  it('refuses a records cursor it did not write, and pages by the ones it did', async () => {
    const json = (value: string) => Buffer.from(value).toString('base64url');
    const foreign = [
      '500001', // a record id: the cursors before they became opaque
      'xyz',
      json('{"v":1,"seq":-5}'),
      json('{"v":2,"seq":5}'),
      json('{"v":1,"seq":5,"extra":true}'),
      json('not json'),
      `${json('{"v":1,"seq":5}')}=`,
      'a'.repeat(101),
    ];
    for (const cursor of foreign) {
      const res = await request(h.server).get(`${api}/records`).query({ cursor }).set('Authorization', h.admin);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        name: 'InputError',
        message: expect.stringContaining("'cursor' is not a cursor from this server, or is malformed"),
      });
    }
    const first = await request(h.server).get(`${api}/records?limit=1`).set('Authorization', h.admin);
    expect(first.status).toBe(200);
    if (first.body.nextCursor) {
      const next = await request(h.server).get(`${api}/records`).query({ limit: 1, cursor: first.body.nextCursor }).set('Authorization', h.admin);
      expect(next.status).toBe(200);
    }
    const own = await request(h.server).get(`${api}/records`).query({ cursor: json('{"v":1,"seq":1}') }).set('Authorization', h.admin);
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ items: [], nextCursor: null });
  });

  it('validates check requests', async () => {
    const cases = [
      [{}, 'feature'],
      [{ feature: 'no-such-feature' }, 'Unknown feature'],
      [{ feature: 'vmware', metric: 'no-such-metric' }, 'Unknown metric'],
      [{ feature: 'vmware', metric: 'hosts' }, 'does not belong'],
      [{ feature: 'vmware', metric: 'vmware-cpus', amount: -1 }, 'amount'],
      [{ feature: 'vmware', amount: 2 }, 'metric'],
    ] as const;
    for (const [body, text] of cases) {
      const res = await request(h.server).post(`${api}/check`).set('Authorization', h.reader).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(text);
    }
  });

  it('reads check bodies strictly: JSON only, UTF-8, uncompressed, at most 64 KiB', async () => {
    const post = () => request(h.server).post(`${api}/check`).set('Authorization', h.reader);
    const ok = await post().set('Content-Type', 'application/json; charset=utf-8').send('{"feature":"license-management"}');
    expect(ok.body).toMatchObject({ allowed: true, code: 'OK' });
    const vendorJson = await post().set('Content-Type', 'application/vnd.api+json').send('{"feature":"community"}');
    expect(vendorJson.status).toBe(200);

    const broken = await post().set('Content-Type', 'application/json').send('{"feature":');
    expect([broken.status, broken.body.error.name, broken.body.error.message]).toEqual([
      400,
      'InputError',
      'The request body is not valid JSON.',
    ]);
    const text = await post().set('Content-Type', 'text/plain').send('{"feature":"community"}');
    expect([text.status, text.body.error.message]).toEqual([400, "Invalid check request: 'feature' required."]);
    const latin1 = await post().set('Content-Type', 'application/json; charset=latin1').send('{"feature":"community"}');
    expect([latin1.status, latin1.body.error.message]).toEqual([400, 'Send the request body as UTF-8 JSON.']);
    const gzip = await post().set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('x');
    expect([gzip.status, gzip.body.error.message]).toEqual([
      400,
      "Send the request body uncompressed (got Content-Encoding 'gzip').",
    ]);
    const huge = await post()
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ feature: 'community', pad: 'x'.repeat(70_000) }));
    expect([huge.status, huge.body.error.name]).toEqual([413, 'PayloadTooLargeError']);
  });

  it('validates usage reports', async () => {
    const put = (metric: string, body: unknown) =>
      request(h.server).put(`${api}/usage/${metric}`).set('Authorization', h.admin).send(body as object);
    expect((await put('no-such-metric', { used: 1 })).status).toBe(400);
    expect((await put('hosts', { used: -1 })).status).toBe(400);
    expect((await put('hosts', { used: 1.5 })).status).toBe(400);
    expect((await put('hosts', {})).status).toBe(400);
    expect((await put('hosts', { used: 4 })).status).toBe(204);
    const status = await request(h.server).get(`${api}/status`).set('Authorization', h.reader);
    expect(status.body.quotas).toEqual([
      {
        metric: 'hosts',
        title: 'Hosts',
        authorized: 0,
        used: 4,
        leased: 0,
        exceeded: false,
        reporters: [{ reporter: ADMIN, used: 4, reportedAt: new Date(h.clock.now).toISOString() }],
      },
    ]);
  });
});
