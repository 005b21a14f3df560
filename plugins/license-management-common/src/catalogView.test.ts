import { compileCatalog, defaultLicenseCatalog } from './catalog';
import { catalogDefinitionOf } from './catalogView';

describe('catalogDefinitionOf', () => {
  it('lists every edition, module, feature and metric of the default catalog with its title', () => {
    const d = catalogDefinitionOf(compileCatalog());
    expect(d.editions.map(e => e.id)).toEqual(['standard', 'enterprise-trial', 'enterprise-prepaid']);
    expect(d.editions[0]).toEqual({
      id: 'standard',
      title: 'Standard',
      description: defaultLicenseCatalog.editions[0].description,
      features: ['virtualization'],
      metrics: ['hosts'],
    });
    expect(d.modules.find(m => m.id === 'vmware')).toEqual({
      id: 'vmware',
      title: 'VMware Management',
      features: ['vmware'],
      metrics: ['vmware-cpus'],
    });
    expect(d.features).toContainEqual({ id: 'vmware', title: 'VMware Management' });
    expect(d.features).toContainEqual({ id: 'license-management', title: 'License Management' });
    expect(d.metrics).toContainEqual({ id: 'arm-hosts', title: 'ARM hosts' });
    expect(d.essentialFeatures).toEqual(['license-management']);
    expect(d.communityFeatures).toEqual(['community']);
  });

  it('gives a custom catalog its own titles, and the id where it has none', () => {
    const d = catalogDefinitionOf(
      compileCatalog({
        editions: [{ id: 'gold', title: 'Gold Edition', features: ['reports'], metrics: ['seats'] }],
        modules: [{ id: 'sso', title: 'Single Sign-On' }],
        metrics: [],
        features: [{ id: 'reports', title: 'Reports' }],
      }),
    );
    expect(d.editions).toEqual([{ id: 'gold', title: 'Gold Edition', features: ['reports'], metrics: ['seats'] }]);
    expect(d.modules).toEqual([{ id: 'sso', title: 'Single Sign-On', features: ['sso'], metrics: [] }]);
    expect(d.metrics).toEqual([{ id: 'seats', title: 'seats' }]);
    expect(d.features).toEqual(
      expect.arrayContaining([
        { id: 'reports', title: 'Reports' },
        { id: 'sso', title: 'Single Sign-On' },
        { id: 'license-management', title: 'license-management' },
      ]),
    );
    expect(d.essentialFeatures).toEqual(['license-management']);
    expect(d.communityFeatures).toEqual([]);
  });
});
