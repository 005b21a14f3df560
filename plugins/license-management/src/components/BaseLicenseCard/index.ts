export { BaseLicenseCard } from './BaseLicenseCard';
export type { BaseLicenseCardProps } from './BaseLicenseCard';
