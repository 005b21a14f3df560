export * from './types';
export * from './extensions';
export { licenseServiceRef } from './licenseServiceRef';
export {
  licenseEngineRegistryServiceRef,
  type LicenseEngineRegistry,
} from './licenseEngineRegistry';
export { DefaultLicenseService, type DefaultLicenseServiceOptions } from './DefaultLicenseService';
export { LicenseApiClient } from './LicenseApiClient';
export { licenseErrorKindOf, PayloadTooLargeError, toBackstageError } from './errors';
