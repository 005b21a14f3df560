/**
 * A ready permission policy for portals without one: License Management
 * reads for everyone signed in, its admin permissions for the groups named
 * in `licenseManagement.adminGroups`, every other permission allowed.
 *
 * ```ts
 * backend.add(import('@backstage/plugin-permission-backend'));
 * backend.add(import('@backstage-licensing/plugin-permission-backend-module-license-management'));
 * ```
 *
 * @packageDocumentation
 */
export { permissionModuleLicenseManagementPolicy as default } from './module';
export { LicenseManagementPolicy } from './LicenseManagementPolicy';
