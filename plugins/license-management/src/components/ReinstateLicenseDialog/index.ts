export { ReinstateLicenseDialog } from './ReinstateLicenseDialog';
export type { ReinstateLicenseDialogProps } from './ReinstateLicenseDialog';
