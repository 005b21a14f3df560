export { licenseManagementApiRef } from './LicenseManagementApi';
export type {
  LicenseManagementApi,
  RecordQuery,
  ReinstateOptions,
  RequestKeyFile,
  UploadOptions,
  UploadProgress,
} from './LicenseManagementApi';
export { LicenseManagementClient } from './LicenseManagementClient';
export { refusedDowngrade } from './refusedDowngrade';
export type { RefusedDowngrade } from './refusedDowngrade';
export type { LicenseManagementClientOptions } from './LicenseManagementClient';
export type {
  RegisteredSite,
  ServerConnectRequest,
  ServerConnectResult,
  SharingPoolItem,
  SharingSite,
  SiteLease,
} from './serverLicensing';
