/**
 * The License Management backend plugin.
 *
 * @packageDocumentation
 */
export { licenseManagementPlugin as default } from './plugin';
export type { LicenseStore } from './database/LicenseStore';
