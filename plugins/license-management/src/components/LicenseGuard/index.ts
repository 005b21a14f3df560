export { LicenseGuard } from './LicenseGuard';
export type { LicenseGuardProps } from './LicenseGuard';
