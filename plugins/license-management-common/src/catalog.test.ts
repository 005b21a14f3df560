import { compileCatalog, defaultLicenseCatalog, CatalogError } from './catalog';

describe('compileCatalog', () => {
  it('indexes the default preset', () => {
    const c = compileCatalog();
    expect(c.editionIds).toEqual(['standard', 'enterprise-trial', 'enterprise-prepaid']);
    expect(c.moduleIds).toHaveLength(20);
    expect(c.slotOfMetric('hosts')).toBe('base');
    expect(c.slotOfMetric('arm-hosts')).toBe('arm64');
    expect(c.isEssential('license-management')).toBe(true);
    expect(c.metricBelongsToFeature('vmware-cpus', 'vmware')).toBe(true);
    expect(c.metricBelongsToFeature('hosts', 'vmware')).toBe(false);
    expect(c.itemsUnlocking('gpu')).toEqual({
      editions: ['enterprise-trial', 'enterprise-prepaid'],
      modules: ['gpu'],
    });
  });

  it('refuses a metric that belongs to two slots', () => {
    expect(() =>
      compileCatalog({
        ...defaultLicenseCatalog,
        modules: [{ id: 'a', title: 'A', metrics: ['hosts'] }],
      }),
    ).toThrow(CatalogError);
  });

  it('lets enterprise editions, not standard, unlock gpu, cloudformation and auto-scaling', () => {
    const c = compileCatalog();
    for (const f of ['gpu', 'cloudformation', 'auto-scaling']) {
      expect(c.itemsUnlocking(f).editions).toEqual(['enterprise-trial', 'enterprise-prepaid']);
      expect(c.itemsUnlocking(f).modules).toEqual([f]);
    }
    expect(c.featuresOf('base', 'standard')).toEqual(['virtualization']);
    expect(c.itemsUnlocking('virtualization').editions).toEqual(c.editionIds);
  });

  it('makes every module a feature that unlocks itself', () => {
    const c = compileCatalog();
    for (const m of c.moduleIds) {
      expect(c.isFeature(m)).toBe(true);
      expect(c.featuresOf('plus', m)).toContain(m);
      expect(c.itemsUnlocking(m).modules).toEqual([m]);
    }
    expect(c.featuresOf('plus', 'no-such-module')).toEqual([]);
    expect(c.item('plus', 'standard')).toBeUndefined();
    expect(c.item('base', 'vmware')).toBeUndefined();
  });

  it('knows the essential and community features', () => {
    const c = compileCatalog();
    expect(c.isFeature('license-management')).toBe(true);
    expect(c.isCommunity('community')).toBe(true);
    expect(c.isCommunity('vmware')).toBe(false);
    expect(c.isEssential('vmware')).toBe(false);
    expect(c.itemsUnlocking('license-management')).toEqual({ editions: [], modules: [] });
  });

  it('gives every metric of the guide its slot, and a metric to the features of its item', () => {
    const c = compileCatalog();
    expect(Object.fromEntries(c.metricIds.map(m => [m, c.slotOfMetric(m)]))).toEqual({
      hosts: 'base',
      'vmware-cpus': 'vmware',
      'arm-hosts': 'arm64',
      'baremetal-servers': 'baremetal',
      'elastic-baremetal-servers': 'elastic-baremetal',
      'container-cpus': 'container-cpu',
      'container-vcpus': 'container-vcpu',
    });
    expect(c.metricBelongsToFeature('hosts', 'virtualization')).toBe(true);
    expect(c.metricBelongsToFeature('hosts', 'gpu')).toBe(true);
    expect(c.metricBelongsToFeature('vmware-cpus', 'gpu')).toBe(false);
    expect(c.slotOfMetric('no-such-metric')).toBeUndefined();
  });

  it('titles items, features and metrics, falling back to the id', () => {
    const c = compileCatalog();
    expect(c.title('item', 'enterprise-prepaid')).toBe('Enterprise Prepaid');
    expect(c.title('feature', 'vmware')).toBe('VMware Management');
    expect(c.title('feature', 'license-management')).toBe('License Management');
    expect(c.title('metric', 'vmware-cpus')).toBe('VMware CPUs');
    expect(c.title('metric', 'unknown')).toBe('unknown');
  });

  it('defaults the essential feature to license-management', () => {
    const c = compileCatalog({ editions: [{ id: 'pro', title: 'Pro' }], modules: [] });
    expect(c.isEssential('license-management')).toBe(true);
    expect(c.isFeature('license-management')).toBe(true);
  });

  it.each([
    ['no edition', { editions: [], modules: [] }, /at least one Base edition/],
    ['a bad edition id', { editions: [{ id: 'Pro!', title: 'P' }], modules: [] }, /edition id "Pro!" is invalid/],
    [
      'a repeated module',
      { editions: [{ id: 'pro', title: 'P' }], modules: [{ id: 'a', title: 'A' }, { id: 'a', title: 'A' }] },
      /names 'a' twice/,
    ],
    [
      'a bad metric id',
      { editions: [{ id: 'pro', title: 'P', metrics: ['Seats'] }], modules: [] },
      /metric id "Seats" is invalid/,
    ],
  ])('refuses %s, saying what to fix', (_name, definition, message) => {
    expect(() => compileCatalog(definition)).toThrow(message);
  });
});
