export { DeleteLicenseDialog } from './DeleteLicenseDialog';
export type { DeleteLicenseDialogProps } from './DeleteLicenseDialog';
