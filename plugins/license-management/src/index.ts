/**
 * License Management for Backstage: the page, the banner, the guard and the
 * license gates that other plugins use.
 *
 * @packageDocumentation
 */
export {
  licenseManagementPlugin,
  LicenseManagementPage,
  LicenseBanner,
  LicenseGuard,
  LicenseGate,
} from './plugin';
export { rootRouteRef as licenseManagementRouteRef } from './routes';
export {
  licenseManagementApiRef,
  LicenseManagementClient,
} from './api';
export type {
  LicenseManagementApi,
  LicenseManagementClientOptions,
  RecordQuery,
  RequestKeyFile,
  UploadOptions,
  UploadProgress,
} from './api';
export { useLicensedFeature, useLicenseStatus } from './hooks';
export type {
  LicensedFeatureOptions,
  LicensedFeatureResult,
  UseLicenseStatusResult,
} from './hooks';
export type { LicenseGateProps } from './components/LicenseGate';
export type { LicenseGuardProps } from './components/LicenseGuard';
