export { QuotaCard } from './QuotaCard';
export type { QuotaCardProps } from './QuotaCard';
