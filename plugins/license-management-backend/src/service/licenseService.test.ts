import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { licenseUsageExtensionPoint } from '@backstage-licensing/plugin-license-management-node';
import request from 'supertest';
import { createLicenseConsumerPlugin, DAY, type Harness, mockScheduler, startHarness } from '../testing/harness';
import { USAGE_TASK_ID } from '../usage/startUsageMetering';

jest.setTimeout(60_000);

const api = '/api/license-management';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('licenseServiceRef in the backend that runs the plugin', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  it('answers community-only checks before any Base license is installed', async () => {
    await expect(h.service.check({ feature: 'community' })).resolves.toMatchObject({ allowed: true, code: 'OK' });
    await expect(h.service.check({ feature: 'license-management' })).resolves.toMatchObject({ allowed: true });
    const denied = await h.service.check({ feature: 'virtualization' });
    expect(denied).toMatchObject({ allowed: false, code: 'NOT_LICENSED' });
    expect(denied.message).toMatch(/needs a Base license.*Upload a license/);
    expect(await h.service.getStatus()).toMatchObject({ edition: 'community', state: 'community', keyId: h.keyId });
  });

  it('gives the same answers as POST /check, and the same status as GET /status', async () => {
    const base = await h.token({ type: 'base', item: 'standard', quota: { hosts: 10 } });
    const vm = await h.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 8 } });
    expect((await h.upload(`${base}\n${vm}`)).status).toBe(201);
    const requests = [
      { feature: 'virtualization' },
      { feature: 'vmware', metric: 'vmware-cpus', amount: 8 },
      { feature: 'vmware', metric: 'vmware-cpus', amount: 9 },
      { feature: 'gpu' },
      { feature: 'backup' },
    ];
    for (const body of requests) {
      const http = await request(h.server).post(`${api}/check`).set('Authorization', h.reader).send(body);
      expect(await h.service.check(body)).toEqual(http.body);
    }
    const http = await request(h.server).get(`${api}/status`).set('Authorization', h.reader);
    expect({ ...(await h.service.getStatus()), evaluatedAt: null }).toEqual({ ...http.body, evaluatedAt: null });
  });

  it('rejects unknown features and metrics with an InputError that says what is known', async () => {
    await expect(h.service.check({ feature: 'teleport' })).rejects.toThrow(InputError);
    await expect(h.service.check({ feature: 'teleport' })).rejects.toThrow(/Known features: .*vmware/);
    await expect(h.service.check({ feature: 'vmware', metric: 'hosts' })).rejects.toThrow(/does not belong/);
    await expect(h.service.reportUsage('parsecs', 1)).rejects.toThrow(/Unknown metric 'parsecs'/);
    await expect(h.service.reportUsage('hosts', -1)).rejects.toThrow(/integer of 0 or more/);
    await expect(h.service.reportUsage('hosts', 1.5)).rejects.toThrow(InputError);
  });

  it('allows metric + amount only while used + amount stays within the authorized quota', async () => {
    expect((await h.upload(await h.token({ type: 'base', item: 'standard', quota: { hosts: 10 } }))).status).toBe(201);
    await h.service.reportUsage('hosts', 7);
    await expect(h.service.check({ feature: 'virtualization', metric: 'hosts', amount: 3 })).resolves.toMatchObject({
      allowed: true,
      code: 'OK',
    });
    const over = await h.service.check({ feature: 'virtualization', metric: 'hosts', amount: 4 });
    expect(over).toMatchObject({ allowed: false, code: 'QUOTA_EXCEEDED' });
    expect(over.message).toBe('Hosts: 7 in use and 4 more requested, but 10 authorized. Install a license with a larger quota.');
    // amount defaults to 1
    await h.service.reportUsage('hosts', 10);
    await expect(h.service.check({ feature: 'virtualization', metric: 'hosts' })).resolves.toMatchObject({
      code: 'QUOTA_EXCEEDED',
    });
    await expect(h.service.check({ feature: 'virtualization', metric: 'hosts', amount: 0 })).resolves.toMatchObject({
      allowed: true,
    });
  });

  it('sums usage over reporters: this plugin, and services through PUT /usage', async () => {
    expect((await h.upload(await h.token({ type: 'base', item: 'standard', quota: { hosts: 10 } }))).status).toBe(201);
    await h.service.reportUsage('hosts', 3);
    const put = await request(h.server)
      .put(`${api}/usage/hosts`)
      .set('Authorization', mockCredentials.service.header({ onBehalfOf: mockCredentials.service('plugin:inventory'), targetPluginId: 'license-management' }))
      .send({ used: 4 });
    expect(put.status).toBe(204);
    // Who reported, largest share first.
    const reportedAt = new Date(h.clock.now).toISOString();
    expect((await h.service.getStatus()).quotas).toEqual([
      {
        metric: 'hosts',
        title: 'Hosts',
        authorized: 10,
        used: 7,
        leased: 0,
        exceeded: false,
        reporters: [
          { reporter: 'plugin:inventory', used: 4, reportedAt },
          { reporter: 'plugin:license-consumer', used: 3, reportedAt },
        ],
      },
    ]);
    await h.service.reportUsage('hosts', 1); // replaces this plugin's own 3
    expect((await h.service.getStatus()).quotas[0].used).toBe(5);
  });

  it('raises QUOTA_EXCEEDED and denies every feature but License Management until a larger license is installed', async () => {
    const base = await h.token({ type: 'base', item: 'enterprise-prepaid', quota: { hosts: 5 } });
    const vm = await h.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 8 } });
    await h.upload(`${base}\n${vm}`);
    await h.service.reportUsage('hosts', 6);
    const status = await h.service.getStatus();
    expect(status.quotas.find(q => q.metric === 'hosts')).toMatchObject({ authorized: 5, used: 6, exceeded: true });
    expect(status.exceptions).toEqual([
      expect.objectContaining({ code: 'QUOTA_EXCEEDED', metric: 'hosts', message: expect.stringMatching(/Hosts: 6 in use, 5 authorized/) }),
    ]);
    for (const feature of ['community', 'virtualization', 'gpu', 'vmware']) {
      const r = await h.service.check({ feature });
      expect(r).toMatchObject({ allowed: false, code: 'QUOTA_EXCEEDED' });
      expect(r.message).toMatch(/Install a license with a larger quota or reduce use/);
    }
    await expect(h.service.check({ feature: 'license-management' })).resolves.toMatchObject({ allowed: true });

    await h.upload(await h.token({ type: 'base', item: 'enterprise-prepaid', quota: { hosts: 50 } }));
    await expect(h.service.check({ feature: 'vmware' })).resolves.toMatchObject({ allowed: true, code: 'OK' });
    expect((await h.service.getStatus()).exceptions).toEqual([]);
  });

  it('lifts QUOTA_EXCEEDED when use drops back within the quota', async () => {
    await h.upload(await h.token({ type: 'base', item: 'standard', quota: { hosts: 5 } }));
    await h.service.reportUsage('hosts', 9);
    await expect(h.service.check({ feature: 'virtualization' })).resolves.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    await h.service.reportUsage('hosts', 5);
    await expect(h.service.check({ feature: 'virtualization' })).resolves.toMatchObject({ allowed: true });
  });

  it('denies the features of an expired Plus license with EXPIRED, saying to upload a renewal', async () => {
    const base = await h.token({ type: 'base', item: 'standard' });
    const backup = await h.token({ type: 'plus', item: 'backup' }, { exp: Math.floor(h.clock.now / 1000) + 2 * 86_400 });
    await h.upload(`${base}\n${backup}`);
    await expect(h.service.check({ feature: 'backup' })).resolves.toMatchObject({ allowed: true });
    h.clock.now += 3 * DAY;
    const expired = await h.service.check({ feature: 'backup' });
    expect(expired).toMatchObject({ allowed: false, code: 'EXPIRED' });
    expect(expired.message).toMatch(/Backup Service Plus license expired\. Upload a renewal/);
    await expect(h.service.check({ feature: 'virtualization' })).resolves.toMatchObject({ allowed: true });
  });

  it('shares answers that no caller can change for the others', async () => {
    const first = await h.service.check({ feature: 'community' });
    expect(() => {
      (first as { allowed: boolean }).allowed = false;
    }).toThrow(TypeError);
    await expect(h.service.check({ feature: 'community' })).resolves.toMatchObject({ allowed: true });
  });

  it('answers checks from memory: they keep working with the database gone', async () => {
    // Its own backend, on a database this test can take away.
    const knex = await databases.init('SQLITE_3');
    const own = await startHarness({}, { features: [mockServices.database.factory({ knex })] });
    try {
      await own.upload(await own.token({ type: 'base', item: 'standard', quota: { hosts: 3 } }));
      await own.service.reportUsage('hosts', 2);
      await knex.destroy();
      await expect(own.service.check({ feature: 'virtualization', metric: 'hosts', amount: 1 })).resolves.toMatchObject({
        allowed: true,
      });
      await expect(own.service.check({ feature: 'virtualization', metric: 'hosts', amount: 2 })).resolves.toMatchObject({
        code: 'QUOTA_EXCEEDED',
      });
      await expect(own.service.getStatus()).resolves.toMatchObject({ edition: 'standard' });
    } finally {
      await own.stop();
    }
  });
});

describe('usage providers added through licenseUsageExtensionPoint', () => {
  it('are refreshed by a global scheduled task and their figures count against quotas', async () => {
    const scheduler = mockScheduler();
    let hosts = 2;
    const module = createBackendModule({
      pluginId: 'license-management',
      moduleId: 'test-inventory',
      register(reg) {
        reg.registerInit({
          deps: { usage: licenseUsageExtensionPoint },
          async init({ usage }) {
            usage.addUsageProvider({ id: 'inventory', metrics: ['hosts'], getUsage: async () => ({ hosts }) });
          },
        });
      },
    });
    const h = await startHarness({}, { features: [module, scheduler.factory({ includeInitialDelayedTasksOnStartup: true })] });
    try {
      expect((await scheduler.getScheduledTasks()).filter(t => t.id === USAGE_TASK_ID)).toEqual([expect.objectContaining({ scope: 'global' })]);
      await h.upload(await h.token({ type: 'base', item: 'standard', quota: { hosts: 4 } }));
      expect((await h.service.getStatus()).quotas).toEqual([
        expect.objectContaining({ metric: 'hosts', authorized: 4, used: 2, exceeded: false }),
      ]);
      hosts = 5;
      await scheduler.triggerTask(USAGE_TASK_ID);
      expect((await h.service.getStatus()).quotas[0]).toMatchObject({ used: 5, exceeded: true });
      await expect(h.service.check({ feature: 'virtualization' })).resolves.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    } finally {
      await h.stop();
    }
  });

  it('refuses to start with a provider that counts a metric the catalog does not know', async () => {
    const module = createBackendModule({
      pluginId: 'license-management',
      moduleId: 'bad-inventory',
      register(reg) {
        reg.registerInit({
          deps: { usage: licenseUsageExtensionPoint },
          async init({ usage }) {
            usage.addUsageProvider({ id: 'bad', metrics: ['parsecs'], getUsage: async () => ({}) });
          },
        });
      },
    });
    await expect(startHarness({}, { features: [module] })).rejects.toThrow(
      /provider 'bad' counts 'parsecs', which is not a quota metric/,
    );
  });
});

describe('licenseServiceRef in a backend without the plugin', () => {
  it('calls the HTTP API of the backend that runs it, with service credentials', async () => {
    const h = await startHarness();
    const consumer = createLicenseConsumerPlugin('inventory');
    const port = h.server.address().port;
    const other = await startTestBackend({
      features: [
        consumer.plugin,
        createServiceFactory({
          service: coreServices.discovery,
          deps: {},
          factory: () => ({
            getBaseUrl: async (id: string) => `http://127.0.0.1:${port}/api/${id}`,
            getExternalBaseUrl: async (id: string) => `http://127.0.0.1:${port}/api/${id}`,
          }),
        }),
      ],
    });
    try {
      const remote = await consumer.service;
      await h.upload(await h.token({ type: 'base', item: 'standard', quota: { hosts: 4 } }));
      await expect(remote.check({ feature: 'virtualization', metric: 'hosts', amount: 4 })).resolves.toEqual({
        allowed: true,
        code: 'OK',
        message: 'Compute, storage and network virtualization is licensed.',
      });
      await remote.reportUsage('hosts', 3);
      // Stored as reported by this plugin's service principal, and seen in process by the other backend.
      await expect(h.service.check({ feature: 'virtualization', metric: 'hosts', amount: 2 })).resolves.toMatchObject({
        code: 'QUOTA_EXCEEDED',
      });
      await h.service.reportUsage('hosts', 1);
      expect((await remote.getStatus()).quotas).toEqual([
        expect.objectContaining({ metric: 'hosts', title: 'Hosts', authorized: 4, used: 4, exceeded: false }),
      ]);
      const error = await remote.check({ feature: 'teleport' }).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(/Unknown feature 'teleport'/);
      await expect(remote.reportUsage('parsecs', 1)).rejects.toThrow(InputError);
    } finally {
      await other.stop();
      await h.stop();
    }
  });
});
