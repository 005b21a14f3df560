import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseCatalogFilter } from '../config';
import { mockScheduler, startHarness } from '../testing/harness';
import { CatalogUsageProvider } from './CatalogUsageProvider';
import { USAGE_TASK_ID } from './startUsageMetering';

jest.setTimeout(30_000);

const resource = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default', ...extra },
  spec: { type, owner: 'group:default/ops' },
});

const entities: any[] = [
  resource('host-1', 'host'),
  resource('host-2', 'host'),
  resource('host-3', 'host', { labels: { site: 'east' } }),
  resource('arm-1', 'arm64-host'),
  resource('bm-1', 'baremetal-server'),
  resource('db-1', 'database'),
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'host' }, spec: { type: 'host' } },
];

const auth = mockServices.auth();

describe('CatalogUsageProvider', () => {
  it('counts the entities that match each metric\'s filter', async () => {
    const provider = new CatalogUsageProvider({
      catalog: catalogServiceMock({ entities }),
      auth,
      counts: [
        { metric: 'hosts', filter: [parseCatalogFilter('kind=Resource,spec.type=host', 'f')] },
        { metric: 'arm-hosts', filter: [parseCatalogFilter('kind=Resource,spec.type=arm64-host', 'f')] },
        { metric: 'baremetal-servers', filter: [parseCatalogFilter('kind=Resource,spec.type=baremetal-server,spec.type=bare-metal', 'f')] },
        { metric: 'vmware-cpus', filter: [parseCatalogFilter('kind=Resource,spec.type=vmware-cpu', 'f')] },
      ],
    });
    expect(provider.id).toBe('catalog');
    expect(provider.metrics).toEqual(['hosts', 'arm-hosts', 'baremetal-servers', 'vmware-cpus']);
    expect(await provider.getUsage()).toEqual({ hosts: 3, 'arm-hosts': 1, 'baremetal-servers': 1, 'vmware-cpus': 0 });
  });

  it('counts entities matching any filter of a list', async () => {
    const provider = new CatalogUsageProvider({
      catalog: catalogServiceMock({ entities }),
      auth,
      counts: [
        {
          metric: 'hosts',
          filter: [parseCatalogFilter('kind=Resource,spec.type=host', 'f'), parseCatalogFilter('kind=Resource,spec.type=arm64-host', 'f')],
        },
      ],
    });
    expect(await provider.getUsage()).toEqual({ hosts: 4 });
  });

  it('asks for counts only, with the plugin\'s own service credentials', async () => {
    const catalog = catalogServiceMock.mock({
      queryEntities: jest.fn(async () => ({ items: [], totalItems: 42, pageInfo: {} })),
    });
    const provider = new CatalogUsageProvider({
      catalog,
      auth,
      counts: [{ metric: 'hosts', filter: [{ kind: 'Resource', 'spec.type': 'host' }] }],
    });
    expect(await provider.getUsage()).toEqual({ hosts: 42 });
    expect(catalog.queryEntities).toHaveBeenCalledWith(
      { filter: [{ kind: 'Resource', 'spec.type': 'host' }], limit: 1, fields: ['metadata.uid'] },
      { credentials: expect.objectContaining({ principal: expect.objectContaining({ type: 'service' }) }) },
    );
  });
});

describe('the built-in catalog usage provider in the plugin', () => {
  it('is turned on by licenseManagement.usage.catalog and feeds /status quotas and checks', async () => {
    const scheduler = mockScheduler();
    const h = await startHarness(
      { usage: { catalog: [{ metric: 'hosts', filter: 'kind=Resource,spec.type=host' }] } },
      { features: [catalogServiceMock.factory({ entities }), scheduler.factory()] },
    );
    try {
      expect((await scheduler.getScheduledTasks()).filter(t => t.id === USAGE_TASK_ID)).toEqual([expect.objectContaining({ scope: 'global' })]);
      await h.upload(await h.token({ type: 'base', item: 'standard', quota: { hosts: 2 } }));
      await scheduler.triggerTask(USAGE_TASK_ID);
      const status = await h.service.getStatus();
      expect(status.quotas).toEqual([
        {
          metric: 'hosts',
          title: 'Hosts',
          authorized: 2,
          used: 3,
          leased: 0,
          exceeded: true,
          reporters: [{ reporter: 'provider:catalog', used: 3, reportedAt: new Date(h.clock.now).toISOString() }],
        },
      ]);
      await expect(h.service.check({ feature: 'virtualization' })).resolves.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    } finally {
      await h.stop();
    }
  });

  it('is off without licenseManagement.usage.catalog: no task is scheduled', async () => {
    const scheduler = mockScheduler();
    const h = await startHarness({}, { features: [catalogServiceMock.factory({ entities }), scheduler.factory()] });
    try {
      expect((await scheduler.getScheduledTasks()).map(t => t.id)).not.toContain(USAGE_TASK_ID);
    } finally {
      await h.stop();
    }
  });
});
