import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { licenseManagementPermissions } from '@backstage-licensing/plugin-license-management-common';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  licenseEngineRegistryServiceRef,
  licenseManagementSettingsExtensionPoint,
  licenseUsageExtensionPoint,
  type LicenseUsageProvider,
  type VendorKeyConfig,
} from '@backstage-licensing/plugin-license-management-node';
import { readSettings } from './config';
import { KnexLicenseStore } from './database/KnexLicenseStore';
import { createRouter } from './router/createRouter';
import { startLicenseNotifications } from './notify/startLicenseNotifications';
import { createLeaseClient } from './leaseClient/startLeaseClient';
import { createServerRouter } from './leaseClient/createServerRouter';
import { createSharingRouter, LEASE_PATH } from './sharing/createSharingRouter';
import { startLicenseSharing } from './sharing/startLicenseSharing';
import { DefaultLicenseEngine } from './service/DefaultLicenseEngine';
import { startUsageMetering } from './usage/startUsageMetering';
import { startUsbKeyWatcher } from './usbKey/startUsbKeyWatcher';
import { usbDeviceSourceFactoryServiceRef } from './usbKey/usbDeviceSourceRef';

/**
 * The License Management backend plugin: `backend.add(import(
 * '@backstage-licensing/plugin-license-management-backend'))` is the whole
 * install. Customisation goes through config (`licenseManagement.*`) and the
 * extension points of `-node`: `licenseUsageExtensionPoint` (usage
 * providers) and `licenseManagementSettingsExtensionPoint` (pinned vendor
 * keys; a clock for tests).
 */
export const licenseManagementPlugin = createBackendPlugin({
  pluginId: 'license-management',
  register(env) {
    const providers: LicenseUsageProvider[] = [];
    env.registerExtensionPoint(licenseUsageExtensionPoint, {
      addUsageProvider: (...added) => void providers.push(...added),
    });
    const pinnedVendorKeys: VendorKeyConfig[] = [];
    let clock: (() => number) | undefined;
    env.registerExtensionPoint(licenseManagementSettingsExtensionPoint, {
      pinVendorKeys: (...keys) => void pinnedVendorKeys.push(...keys),
      setClock(c) {
        if (clock) throw new Error('The License Management clock was already set by another module; only one may set it.');
        clock = c;
      },
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
        notifications: notificationService,
        signals: signalsServiceRef,
        usbDevices: usbDeviceSourceFactoryServiceRef,
      },
      async init(deps) {
        const { config, logger, lifecycle } = deps;
        const pinned = pinnedVendorKeys.length > 0;
        const settings = readSettings(config, pinned ? { pinnedVendorKeys } : {});
        if (pinned) {
          const ignored = config.has('licenseManagement.vendorKeys') ? '; licenseManagement.vendorKeys in config is ignored' : '';
          logger.info(`Vendor keys pinned by a module: ${pinnedVendorKeys.map(k => k.kid).join(', ')}${ignored}`);
        }
        if (clock) logger.warn('The License Management clock is set by a module: for tests and simulations only.');
        deps.permissionsRegistry.addPermissions(licenseManagementPermissions);
        const store = await KnexLicenseStore.create(deps.database, logger);
        const usbKeyState = await startUsbKeyWatcher({ ...deps, settings: settings.usbKey, clock });
        const leaseClient = await createLeaseClient({ ...deps, catalog: settings.catalog, clock });
        const engine = await DefaultLicenseEngine.create({ ...settings, store, logger, clock, usbKeyState, leaseState: leaseClient });
        engine.start();
        leaseClient.start();
        lifecycle.addShutdownHook(() => engine.stop());
        if (settings.vendorKeys.size === 0) {
          logger.warn('No vendor keys configured (licenseManagement.vendorKeys): every license upload will be refused.');
        }
        await startUsageMetering({ ...deps, settings, providers, engine });
        await startLicenseNotifications({ ...deps, engine });
        const leaseServer = await startLicenseSharing({ ...deps, engine, syncIntervalMs: settings.syncIntervalMs });
        deps.engines.register(engine);
        deps.httpRouter.use(
          await createRouter({ ...deps, engine, readPermissionCacheMs: settings.readPermissionCacheMs }),
        );
        deps.httpRouter.use(createServerRouter({ ...deps, leaseClient, catalog: settings.catalog }));
        deps.httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // A license server's lease routes take a client site's credential, not a Backstage one.
        deps.httpRouter.use(createSharingRouter({ ...deps, leaseServer }));
        deps.httpRouter.addAuthPolicy({ path: LEASE_PATH, allow: 'unauthenticated' });
      },
    });
  },
});
