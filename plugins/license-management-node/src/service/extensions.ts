import { createExtensionPoint } from '@backstage/backend-plugin-api';
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
