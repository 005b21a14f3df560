export { LicenseStateLabel } from './LicenseStateLabel';
export type { LicenseStateLabelProps } from './LicenseStateLabel';
