import { licenseManagementPlugin, LicenseManagementPage, LicenseBanner, LicenseGuard, LicenseGate } from './plugin';

describe('licenseManagementPlugin', () => {
  it('is the license-management plugin with its API and route', () => {
    expect(licenseManagementPlugin.getId()).toBe('license-management');
    expect(licenseManagementPlugin.getApis()).toHaveLength(1);
    expect(licenseManagementPlugin.routes.root).toBeDefined();
  });

  it('provides the page, banner, guard and gate', () => {
    for (const extension of [LicenseManagementPage, LicenseBanner, LicenseGuard, LicenseGate]) {
      expect(extension).toBeDefined();
    }
  });
});
