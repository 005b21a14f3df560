export { useLicenseStatus, useLicenseStatusStore } from './useLicenseStatus';
export type { UseLicenseStatusResult } from './useLicenseStatus';
export { useLicensedFeature } from './useLicensedFeature';
export type { LicensedFeatureOptions, LicensedFeatureResult } from './useLicensedFeature';
export { LicenseStatusStore, licenseStatusStoreFor } from './LicenseStatusStore';
export type { LicenseStatusSnapshot } from './LicenseStatusStore';
export { useLicensePagePath } from './useLicensePagePath';
