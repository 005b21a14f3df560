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
});
