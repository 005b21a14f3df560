import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { licenseManagementPermissions } from '@backstage-licensing/plugin-license-management-common';
import type { VendorKeyConfig } from '@backstage-licensing/plugin-license-management-node';
import { readSettings } from './config';
import { KnexLicenseStore } from './database/KnexLicenseStore';
import { createRouter } from './router/createRouter';
import { LicenseManager } from './service/LicenseManager';

export interface LicenseManagementBackendOptions {
  /** Vendor keys pinned in code: config cannot add its own. Off by default. */
  pinnedVendorKeys?: VendorKeyConfig[];
  /** The clock, in ms; for tests. */
  clock?: () => number;
}

/** Builds the backend plugin; `licenseManagementPlugin` is this with no options. */
export function createLicenseManagementPlugin(options: LicenseManagementBackendOptions = {}) {
  return createBackendPlugin({
    pluginId: 'license-management',
    register(env) {
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          database: coreServices.database,
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          lifecycle: coreServices.lifecycle,
          auditor: coreServices.auditor,
        },
        async init({ config, logger, database, httpRouter, httpAuth, permissions, permissionsRegistry, lifecycle, auditor }) {
          const settings = readSettings(config, { pinnedVendorKeys: options.pinnedVendorKeys });
          permissionsRegistry.addPermissions(licenseManagementPermissions);
          const store = await KnexLicenseStore.create(database);
          const manager = await LicenseManager.create({ ...settings, store, logger, clock: options.clock });
          manager.start();
          lifecycle.addShutdownHook(() => manager.stop());
          if (settings.vendorKeys.size === 0) {
            logger.warn('No vendor keys configured (licenseManagement.vendorKeys): every license upload will be refused.');
          }
          httpRouter.use(await createRouter({ manager, httpAuth, permissions, auditor }));
          httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        },
      });
    },
  });
}

/** The License Management backend plugin. */
export const licenseManagementPlugin = createLicenseManagementPlugin();
