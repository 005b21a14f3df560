export { LicenseManagementPage } from './LicenseManagementPage';
