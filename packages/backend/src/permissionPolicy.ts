import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { licenseReadPermission } from '@backstage-licensing/plugin-license-management-common';

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The portal's policy: License Management reads for everyone signed in; its
 * writes, the request key and the records for the admin groups named in
 * `licenseManagement.adminGroups` (user refs work too). Other permissions
 * are allowed, as in a default portal.
 */
export class LicenseAdminPolicy implements PermissionPolicy {
  private readonly admins: Set<string>;

  constructor(adminRefs: string[]) {
    this.admins = new Set(adminRefs.map(r => r.toLocaleLowerCase('en-US')));
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { name } = request.permission;
    if (!name.startsWith('license-management.')) return ALLOW;
    if (name === licenseReadPermission.name) return ALLOW;
    if (!user) return DENY;
    const refs = [user.info.userEntityRef, ...(user.info.ownershipEntityRefs ?? [])];
    return refs.some(r => this.admins.has(r.toLocaleLowerCase('en-US'))) ? ALLOW : DENY;
  }
}

export const licensePermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'license-admin-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        const admins = config.getOptionalStringArray('licenseManagement.adminGroups') ?? [];
        policy.setPolicy(new LicenseAdminPolicy(admins));
      },
    });
  },
});
