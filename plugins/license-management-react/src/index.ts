/**
 * What other frontend plugins import to gate their features on the portal's
 * license, without depending on the License Management page plugin: the API
 * ref and client, the license status hooks, `LicenseGate`, and the route ref
 * of the License Management page.
 *
 * @packageDocumentation
 */
export { licenseManagementApiRef, LicenseManagementClient, refusedDowngrade } from './api';
export type {
  LicenseManagementApi,
  LicenseManagementClientOptions,
  RecordQuery,
  RegisteredSite,
  ServerConnectRequest,
  ServerConnectResult,
  SharingPoolItem,
  SharingSite,
  SiteLease,
  RefusedDowngrade,
  ReinstateOptions,
  RequestKeyFile,
  UploadOptions,
  UploadProgress,
} from './api';
export { licenseManagementRouteRef } from './routes';
export { useCatalogTitles, useLicensedFeature, useLicenseStatus, useLicensePagePath, useLicensePermissions } from './hooks';
export type {
  LicensedFeatureOptions,
  LicensedFeatureResult,
  LicensePermissions,
  LicenseStatusSnapshot,
  UseLicenseStatusResult,
} from './hooks';
export { catalogTitles } from './lib/catalogTitles';
export type { CatalogTitles } from './lib/catalogTitles';
export { LicenseGate } from './components/LicenseGate';
export type { LicenseGateProps } from './components/LicenseGate';
export { describeError, problemText } from './lib/errors';
export type { LicenseApiProblem } from './lib/errors';
