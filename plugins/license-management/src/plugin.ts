import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/core-plugin-api';
import {
  LicenseManagementClient,
  licenseManagementApiRef,
  licenseManagementRouteRef,
} from '@backstage-licensing/plugin-license-management-react';
import { LicenseBanner as Banner } from './components/LicenseBanner';
import { LicenseGuard as Guard } from './components/LicenseGuard';

/** The License Management frontend plugin (legacy frontend system; see `/alpha` for the new one). */
export const licenseManagementPlugin = createPlugin({
  id: 'license-management',
  apis: [
    createApiFactory({
      api: licenseManagementApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef, identityApi: identityApiRef },
      factory: deps => new LicenseManagementClient(deps),
    }),
  ],
  routes: {
    root: licenseManagementRouteRef,
  },
});

/** The License Management page: overview and licensing records. Mount it at `/license-management`. */
export const LicenseManagementPage = licenseManagementPlugin.provide(
  createRoutableExtension({
    name: 'LicenseManagementPage',
    component: () =>
      import('./components/LicenseManagementPage').then(m => m.LicenseManagementPage),
    mountPoint: licenseManagementRouteRef,
  }),
);

/** Shows the portal's license exceptions; mount it once in the app, after sign-in. */
export const LicenseBanner = licenseManagementPlugin.provide(
  createComponentExtension({
    name: 'LicenseBanner',
    component: { sync: Banner },
  }),
);

/** Wraps the app's routes: sends every page but License Management there once the Base license has expired. */
export const LicenseGuard = licenseManagementPlugin.provide(
  createComponentExtension({
    name: 'LicenseGuard',
    component: { sync: Guard },
  }),
);
