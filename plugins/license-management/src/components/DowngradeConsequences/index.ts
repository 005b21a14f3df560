export { DowngradeConsequences } from './DowngradeConsequences';
export type { DowngradeConsequencesProps } from './DowngradeConsequences';
