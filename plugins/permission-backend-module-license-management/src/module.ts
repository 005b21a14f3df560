import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readLicenseAdminRefs } from '@backstage-licensing/plugin-license-management-node';
import { LicenseManagementPolicy } from './LicenseManagementPolicy';

/**
 * Installs {@link LicenseManagementPolicy} as the permission policy, with
 * the admins of `licenseManagement.adminGroups`. For portals without a
 * policy of their own; a portal with one calls
 * `decideLicenseManagementPermission` from it instead.
 */
export const permissionModuleLicenseManagementPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'license-management-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ policy, config, logger }) {
        const adminRefs = readLicenseAdminRefs(config);
        if (adminRefs.length === 0) {
          logger.warn(
            'licenseManagement.adminGroups is empty: nobody may upload or delete licenses, read the request key or the records. ' +
              'Name the admin groups, e.g. [group:default/license-admins].',
          );
        } else {
          logger.info(`License Management admins: ${adminRefs.join(', ')}`);
        }
        policy.setPolicy(new LicenseManagementPolicy({ adminRefs }));
      },
    });
  },
});
