import '@testing-library/jest-dom';
import * as react from '@backstage-licensing/plugin-license-management-react';
import * as legacy from './index';

describe('licenseManagementPlugin', () => {
  it('is the license-management plugin with its API and route', () => {
    expect(legacy.licenseManagementPlugin.getId()).toBe('license-management');
    expect(legacy.licenseManagementPlugin.getApis()).toHaveLength(1);
    expect(legacy.licenseManagementPlugin.routes.root).toBe(react.licenseManagementRouteRef);
  });

  it('keeps the exports of the legacy frontend system, re-exporting those of the -react package', () => {
    for (const name of ['LicenseManagementPage', 'LicenseBanner', 'LicenseGuard'] as const) {
      expect(legacy[name]).toBeDefined();
    }
    expect(legacy.LicenseGate).toBe(react.LicenseGate);
    expect(legacy.useLicensedFeature).toBe(react.useLicensedFeature);
    expect(legacy.useLicenseStatus).toBe(react.useLicenseStatus);
    expect(legacy.licenseManagementApiRef).toBe(react.licenseManagementApiRef);
    expect(legacy.LicenseManagementClient).toBe(react.LicenseManagementClient);
    expect(legacy.licenseManagementRouteRef).toBe(react.licenseManagementRouteRef);
  });
});
