export { LicenseStateLabel, keyMissingHint } from './LicenseStateLabel';
export type { LicenseStateLabelProps } from './LicenseStateLabel';
