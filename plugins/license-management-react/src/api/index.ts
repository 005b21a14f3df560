export { licenseManagementApiRef } from './LicenseManagementApi';
export type {
  LicenseManagementApi,
  RecordQuery,
  RequestKeyFile,
  UploadOptions,
  UploadProgress,
} from './LicenseManagementApi';
export { LicenseManagementClient } from './LicenseManagementClient';
export type { LicenseManagementClientOptions } from './LicenseManagementClient';
