export { UploadLicenseDialog } from './UploadLicenseDialog';
export type { UploadLicenseDialogProps } from './UploadLicenseDialog';
export { checkLicenseFile, MAX_LICENSE_FILE_BYTES } from './checkLicenseFile';
