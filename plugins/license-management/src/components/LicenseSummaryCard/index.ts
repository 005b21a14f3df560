export { LicenseSummaryCard } from './LicenseSummaryCard';
export type { LicenseSummaryCardProps } from './LicenseSummaryCard';
