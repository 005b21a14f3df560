export { LicenseServerCard } from './LicenseServerCard';
export type { LicenseServerCardProps } from './LicenseServerCard';
