import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { VendorKeyConfig } from '../domain/token';
import type { LicenseUsageProvider } from './types';

/**
 * Lets backend modules of the `license-management` plugin add usage
 * providers.
 *
 * @public
 */
export interface LicenseUsageExtensionPoint {
  addUsageProvider(...providers: LicenseUsageProvider[]): void;
}

/**
 * The extension point through which modules add usage providers.
 *
 * @example
 * ```ts
 * createBackendModule({
 *   pluginId: 'license-management',
 *   moduleId: 'inventory-usage',
 *   register(reg) {
 *     reg.registerInit({
 *       deps: { usage: licenseUsageExtensionPoint },
 *       async init({ usage }) {
 *         usage.addUsageProvider({ id: 'inventory', metrics: ['hosts'], getUsage: async () => ({ hosts: 42 }) });
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * @public
 */
export const licenseUsageExtensionPoint = createExtensionPoint<LicenseUsageExtensionPoint>({
  id: 'license-management.usage',
});

/**
 * Lets one backend module of the `license-management` plugin settle what a
 * distribution fixes in code rather than in config.
 *
 * @public
 */
export interface LicenseManagementSettingsExtensionPoint {
  /**
   * Pins the vendor keys that sign licenses. Once any key is pinned,
   * `licenseManagement.vendorKeys` in config is ignored: config cannot add a
   * key of its own. Calls add up.
   */
  pinVendorKeys(...keys: VendorKeyConfig[]): void;
  /**
   * Replaces the clock (milliseconds since the epoch) by which licenses are
   * judged, for tests and simulations; never for a production portal. At
   * most one module may set it.
   */
  setClock(clock: () => number): void;
}

/**
 * The extension point through which a module pins vendor keys (or, in tests,
 * sets the clock).
 *
 * @example
 * ```ts
 * export default createBackendModule({
 *   pluginId: 'license-management',
 *   moduleId: 'pinned-vendor-keys',
 *   register(reg) {
 *     reg.registerInit({
 *       deps: { settings: licenseManagementSettingsExtensionPoint },
 *       async init({ settings }) {
 *         settings.pinVendorKeys({ kid: 'acme-2027', publicKey: ACME_2027_PUBLIC_KEY_PEM });
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * @public
 */
export const licenseManagementSettingsExtensionPoint = createExtensionPoint<LicenseManagementSettingsExtensionPoint>({
  id: 'license-management.settings',
});
