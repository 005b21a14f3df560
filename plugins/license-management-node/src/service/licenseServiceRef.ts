import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { DefaultLicenseService } from './DefaultLicenseService';
import { LicenseApiClient } from './LicenseApiClient';
import { licenseEngineRegistryServiceRef } from './licenseEngineRegistry';
import type { LicenseService } from './types';

/**
 * The license service for backend plugins: checks, status and usage reports.
 *
 * @example
 * ```ts
 * deps: { licenses: licenseServiceRef },
 * async init({ licenses }) {
 *   const { allowed, message } = await licenses.check({ feature: 'vmware', metric: 'vmware-cpus', amount: 8 });
 * }
 * ```
 *
 * @public
 */
export const licenseServiceRef = createServiceRef<LicenseService>({
  id: 'license-management.license',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        plugin: coreServices.pluginMetadata,
        instance: coreServices.rootInstanceMetadata,
        registry: licenseEngineRegistryServiceRef,
      },
      factory({ auth, discovery, plugin, instance, registry }) {
        return new DefaultLicenseService({
          registry,
          isLocal: async () =>
            (await instance.getInstalledPlugins()).some(p => p.pluginId === 'license-management'),
          client: new LicenseApiClient({ auth, discovery }),
          pluginId: plugin.getId(),
        });
      },
    }),
});
