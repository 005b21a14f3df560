/**
 * License Management for Backstage: the page, the banner, the guard and the
 * license gates that other plugins use (legacy frontend system; the new
 * frontend system's plugin and app module are the default export of
 * `/alpha`).
 *
 * The API ref, the client, the hooks and `LicenseGate` live in
 * `@backstage-licensing/plugin-license-management-react`, for plugins that
 * gate their features without depending on this page; they are re-exported
 * here unchanged.
 *
 * @packageDocumentation
 */
export {
  licenseManagementPlugin,
  LicenseManagementPage,
  LicenseBanner,
  LicenseGuard,
} from './plugin';
export {
  LicenseGate,
  licenseManagementApiRef,
  LicenseManagementClient,
  licenseManagementRouteRef,
  useLicensedFeature,
  useLicenseStatus,
} from '@backstage-licensing/plugin-license-management-react';
export type {
  LicensedFeatureOptions,
  LicensedFeatureResult,
  LicenseGateProps,
  LicenseManagementApi,
  LicenseManagementClientOptions,
  RecordQuery,
  RequestKeyFile,
  UploadOptions,
  UploadProgress,
  UseLicenseStatusResult,
} from '@backstage-licensing/plugin-license-management-react';
export type { LicenseGuardProps } from './components/LicenseGuard';
