/**
 * License Management for Backstage: the page, the banner, the guard and the
 * license gates that other plugins use (legacy frontend system). For the new
 * frontend system, the default export of `/alpha` is the plugin and the
 * default export of this entry point is its app module (banner and guard), so
 * feature discovery installs both.
 *
 * The API ref, the client, the hooks and `LicenseGate` live in
 * `@backstage-licensing/plugin-license-management-react`, for plugins that
 * gate their features without depending on this page; they are re-exported
 * here unchanged.
 *
 * @packageDocumentation
 */
export {
  licenseManagementPlugin,
  LicenseManagementPage,
  LicenseBanner,
  LicenseGuard,
} from './plugin';
// Everything other plugins import, unchanged, from the -react package.
export * from '@backstage-licensing/plugin-license-management-react';
export type { LicenseGuardProps } from './components/LicenseGuard';

/** The app module of the new frontend system (banner and guard), for feature discovery. */
export { licenseManagementAppModule as default } from './alpha';
