import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { licenseManagementPermissions } from '@backstage-licensing/plugin-license-management-common';
import {
  licenseEngineRegistryServiceRef,
  licenseUsageExtensionPoint,
  type LicenseUsageProvider,
  type VendorKeyConfig,
} from '@backstage-licensing/plugin-license-management-node';
import { readSettings } from './config';
import { KnexLicenseStore } from './database/KnexLicenseStore';
import { createRouter } from './router/createRouter';
import { LicenseManager } from './service/LicenseManager';
import { startUsageMetering } from './usage/startUsageMetering';

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
      const providers: LicenseUsageProvider[] = [];
      env.registerExtensionPoint(licenseUsageExtensionPoint, {
        addUsageProvider: (...added) => void providers.push(...added),
      });
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          database: coreServices.database,
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          auth: coreServices.auth,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          lifecycle: coreServices.lifecycle,
          auditor: coreServices.auditor,
          scheduler: coreServices.scheduler,
          catalog: catalogServiceRef,
          engines: licenseEngineRegistryServiceRef,
        },
        async init(deps) {
          const { config, logger, lifecycle } = deps;
          const settings = readSettings(config, { pinnedVendorKeys: options.pinnedVendorKeys });
          deps.permissionsRegistry.addPermissions(licenseManagementPermissions);
          const store = await KnexLicenseStore.create(deps.database);
          const manager = await LicenseManager.create({ ...settings, store, logger, clock: options.clock });
          manager.start();
          lifecycle.addShutdownHook(() => manager.stop());
          if (settings.vendorKeys.size === 0) {
            logger.warn('No vendor keys configured (licenseManagement.vendorKeys): every license upload will be refused.');
          }
          await startUsageMetering({ ...deps, settings, providers, manager });
          deps.engines.register(manager);
          deps.httpRouter.use(
            await createRouter({ ...deps, manager, readPermissionCacheMs: settings.readPermissionCacheMs }),
          );
          deps.httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        },
      });
    },
  });
}

/** The License Management backend plugin. */
export const licenseManagementPlugin = createLicenseManagementPlugin();
