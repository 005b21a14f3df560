export { LicenseHeaderSummary } from './LicenseHeaderSummary';
