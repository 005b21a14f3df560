export { LicenseGate } from './LicenseGate';
export type { LicenseGateProps } from './LicenseGate';
