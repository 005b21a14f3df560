import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { ADMIN, DAY, type Harness, startHarness } from '../testing/harness';

jest.setTimeout(30_000);

const api = '/api/license-management';
const get = async (h: Harness, path: string) =>
  (await request(h.server).get(`${api}${path}`).set('Authorization', h.reader).expect(200)).body;

/** A catalog of another product: its own editions, module, metric and titles. */
const CUSTOM_CATALOG = {
  editions: [
    { id: 'team', title: 'Team Plan', features: ['dashboards'], metrics: ['seats'] },
    { id: 'business', title: 'Business Plan', features: ['dashboards', 'audit'], metrics: ['seats'] },
  ],
  modules: [{ id: 'sso', title: 'Single Sign-On Add-on', metrics: ['sso-users'] }],
  metrics: [
    { id: 'seats', title: 'Named seats' },
    { id: 'sso-users', title: 'SSO users' },
  ],
  features: [
    { id: 'dashboards', title: 'Dashboards' },
    { id: 'audit', title: 'Audit trail' },
  ],
};

describe('the server decides what the page shows', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ expiryWarningDays: 15 });
  });
  afterEach(() => h.stop());

  it('every license view carries deletable, validThrough, daysLeft and expiringSoon', async () => {
    const exp = Math.floor((h.clock.now + 10 * DAY) / 1000);
    const res = await h.upload(
      [
        await h.token({ type: 'base', item: 'standard' }, { jti: 'base', exp }),
        await h.token({ type: 'plus', item: 'backup' }, { jti: 'backup' }),
      ].join('\n'),
    );
    expect(res.status).toBe(201);
    const byId = Object.fromEntries(res.body.installed.map((l: any) => [l.id, l]));
    expect(byId.base).toMatchObject({ deletable: false, daysLeft: 10, expiringSoon: true });
    expect(byId.base.validThrough).toBe(new Date(exp * 1000 - 1).toISOString().slice(0, 10));
    expect(byId.backup).toMatchObject({ deletable: true, daysLeft: 365, expiringSoon: false });

    const status = await get(h, '/status');
    expect(status.base).toMatchObject({ id: 'base', expiringSoon: true, daysLeft: 10 });
    expect(status.exceptions).toEqual([expect.objectContaining({ code: 'LICENSE_EXPIRING', slot: 'base' })]);
    expect((await get(h, '/licenses')).map((l: any) => [l.id, l.deletable, l.expiringSoon])).toEqual([
      ['base', false, true],
      ['backup', true, false],
    ]);
  });

  it('a renewed license is not expiring soon, as LICENSE_EXPIRING is quiet; 0 days on its last day, null once expired', async () => {
    const now = Math.floor(h.clock.now / 1000);
    await h.upload(await h.token({ type: 'base', item: 'standard' }, { jti: 'old', exp: now + 5 * 86_400 })).expect(201);
    expect((await get(h, '/status')).base).toMatchObject({ id: 'old', expiringSoon: true, daysLeft: 5 });
    await h
      .upload(await h.token({ type: 'base', item: 'standard' }, { jti: 'renewal', nbf: now + 5 * 86_400, exp: now + 400 * 86_400 }))
      .expect(201);
    const renewed = await get(h, '/status');
    expect(renewed.exceptions).toEqual([]);
    expect(renewed.base).toMatchObject({ id: 'old', expiringSoon: false, daysLeft: 5 });
    const pending = (await get(h, '/licenses')).find((l: any) => l.id === 'renewal');
    expect(pending).toMatchObject({ state: 'pending', expiringSoon: false, daysLeft: 400 });

    h.clock.now += 4.5 * DAY;
    expect((await get(h, '/licenses')).find((l: any) => l.id === 'old')).toMatchObject({ state: 'valid', daysLeft: 0 });
    h.clock.now += DAY;
    expect((await get(h, '/licenses')).find((l: any) => l.id === 'old')).toMatchObject({ state: 'expired', daysLeft: null, expiringSoon: false });
  });

  it('the configured expiryWarningDays decides expiringSoon, as it decides LICENSE_EXPIRING', async () => {
    const quiet = await startHarness({ expiryWarningDays: 5 });
    try {
      const exp = Math.floor((quiet.clock.now + 10 * DAY) / 1000);
      await quiet.upload(await quiet.token({ type: 'base', item: 'standard' }, { exp })).expect(201);
      const status = await get(quiet, '/status');
      expect(status.exceptions).toEqual([]);
      expect(status.base).toMatchObject({ expiringSoon: false, daysLeft: 10 });
    } finally {
      await quiet.stop();
    }
  });

  it('GET /usage lists every catalog metric with its use, its quota in force and who reported, largest share first', async () => {
    await h.upload(await h.token({ type: 'base', item: 'standard', quota: { hosts: 10 } })).expect(201);
    await h.service.reportUsage('hosts', 2);
    h.clock.now += 60_000;
    await request(h.server).put(`${api}/usage/hosts`).set('Authorization', h.admin).send({ used: 5 }).expect(204);
    const { items } = await get(h, '/usage');
    expect(items.map((u: any) => u.metric)).toEqual([
      'hosts',
      'vmware-cpus',
      'arm-hosts',
      'baremetal-servers',
      'elastic-baremetal-servers',
      'container-cpus',
      'container-vcpus',
    ]);
    expect(items[0]).toEqual({
      metric: 'hosts',
      title: 'Hosts',
      used: 7,
      authorized: 10,
      reporters: [
        { reporter: ADMIN, used: 5, reportedAt: new Date(h.clock.now).toISOString() },
        { reporter: 'plugin:license-consumer', used: 2, reportedAt: new Date(h.clock.now - 60_000).toISOString() },
      ],
    });
    expect(items[1]).toEqual({ metric: 'vmware-cpus', title: 'VMware CPUs', used: 0, authorized: null, reporters: [] });
    // The same shares in /status quotas.
    expect((await get(h, '/status')).quotas[0].reporters).toEqual(items[0].reporters);
  });

  it('GET /usage needs a signed-in user or service', async () => {
    const anonymous = await request(h.server).get(`${api}/usage`).set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    const service = await request(h.server).get(`${api}/usage`).set('Authorization', mockCredentials.service.header());
    expect(service.status).toBe(200);
  });

  it('/status.catalog is the default catalog, every item, feature and metric with its title', async () => {
    const { catalog } = await get(h, '/status');
    expect(catalog.editions.map((e: any) => [e.id, e.title])).toEqual([
      ['standard', 'Standard'],
      ['enterprise-trial', 'Enterprise Trial'],
      ['enterprise-prepaid', 'Enterprise Prepaid'],
    ]);
    expect(catalog.modules).toHaveLength(20);
    expect(catalog.modules.find((m: any) => m.id === 'vmware')).toMatchObject({ title: 'VMware Management', metrics: ['vmware-cpus'] });
    expect(catalog.metrics).toContainEqual({ id: 'vmware-cpus', title: 'VMware CPUs' });
    expect(catalog.features).toContainEqual({ id: 'gpu', title: 'GPU Service' });
    expect(catalog.essentialFeatures).toEqual(['license-management']);
  });
});

describe('a custom catalog in config', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ catalog: CUSTOM_CATALOG });
  });
  afterAll(() => h.stop());

  it('shows its own titles in /status.catalog', async () => {
    const { catalog } = await get(h, '/status');
    expect(catalog).toEqual({
      editions: [
        { id: 'team', title: 'Team Plan', features: ['dashboards'], metrics: ['seats'] },
        { id: 'business', title: 'Business Plan', features: ['dashboards', 'audit'], metrics: ['seats'] },
      ],
      modules: [{ id: 'sso', title: 'Single Sign-On Add-on', features: ['sso'], metrics: ['sso-users'] }],
      metrics: [
        { id: 'seats', title: 'Named seats' },
        { id: 'sso-users', title: 'SSO users' },
      ],
      features: [
        { id: 'dashboards', title: 'Dashboards' },
        { id: 'audit', title: 'Audit trail' },
        { id: 'sso', title: 'Single Sign-On Add-on' },
        { id: 'license-management', title: 'license-management' },
      ],
      essentialFeatures: ['license-management'],
      communityFeatures: [],
    });
  });

  it('shows its own titles in license views, quotas, /usage and checks', async () => {
    const res = await h.upload(
      [
        await h.token({ type: 'base', item: 'business', quota: { seats: 50 } }, { jti: 'biz' }),
        await h.token({ type: 'plus', item: 'sso', quota: { 'sso-users': 20 } }, { jti: 'sso' }),
      ].join('\n'),
    );
    expect(res.status).toBe(201);
    expect(res.body.installed.map((l: any) => l.title)).toEqual(['Business Plan', 'Single Sign-On Add-on']);
    const status = await get(h, '/status');
    expect(status).toMatchObject({ edition: 'business', editionTitle: 'Business Plan' });
    expect(status.base.title).toBe('Business Plan');
    expect(status.plus.map((l: any) => l.title)).toEqual(['Single Sign-On Add-on']);
    expect(status.quotas.map((q: any) => [q.metric, q.title, q.authorized])).toEqual([
      ['seats', 'Named seats', 50],
      ['sso-users', 'SSO users', 20],
    ]);
    expect((await get(h, '/licenses')).map((l: any) => l.title)).toEqual(['Business Plan', 'Single Sign-On Add-on']);
    expect((await get(h, '/usage')).items.map((u: any) => [u.metric, u.title, u.authorized])).toEqual([
      ['seats', 'Named seats', 50],
      ['sso-users', 'SSO users', 20],
    ]);
    const check = await request(h.server).post(`${api}/check`).set('Authorization', h.reader).send({ feature: 'audit' });
    expect(check.body).toEqual({ allowed: true, code: 'OK', message: 'Audit trail is licensed.' });
  });
});
