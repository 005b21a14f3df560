import { AuthorizeResult, type PolicyDecision } from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { decideLicenseManagementPermission } from '@backstage-licensing/plugin-license-management-node';

/**
 * A whole permission policy for portals that have none: License Management's
 * permissions as `decideLicenseManagementPermission` decides them (read for
 * everyone signed in, the rest for the admin refs), every other permission
 * allowed, as Backstage's allow-all policy does.
 */
export class LicenseManagementPolicy implements PermissionPolicy {
  private readonly adminRefs: readonly string[];

  constructor(options: { adminRefs: readonly string[] }) {
    this.adminRefs = [...options.adminRefs];
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    return (
      decideLicenseManagementPermission(request, user, { adminRefs: this.adminRefs }) ?? {
        result: AuthorizeResult.ALLOW,
      }
    );
  }
}
