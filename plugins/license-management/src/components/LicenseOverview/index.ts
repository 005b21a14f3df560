export { LicenseOverview } from './LicenseOverview';
