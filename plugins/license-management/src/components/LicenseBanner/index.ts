export { LicenseBanner } from './LicenseBanner';
