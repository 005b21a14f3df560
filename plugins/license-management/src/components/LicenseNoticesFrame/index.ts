export { LicenseNoticesFrame } from './LicenseNoticesFrame';
