export { PlusLicensesTable } from './PlusLicensesTable';
export type { PlusLicensesTableProps } from './PlusLicensesTable';
