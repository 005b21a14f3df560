import type { RootConfigService } from '@backstage/backend-plugin-api';
import { AuthorizeResult, type PolicyDecision } from '@backstage/plugin-permission-common';
import type { PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { licenseReadPermission } from '@backstage-licensing/plugin-license-management-common';

/** The prefix every License Management permission name carries. */
export const LICENSE_MANAGEMENT_PERMISSION_PREFIX = 'license-management.';

/** The config key naming the groups (or users) that administer licenses. */
export const LICENSE_ADMIN_GROUPS_CONFIG_KEY = 'licenseManagement.adminGroups';

/** Options of {@link decideLicenseManagementPermission}. */
export interface LicenseManagementPolicyOptions {
  /**
   * Entity refs of the groups or users that administer licenses, e.g.
   * `group:default/license-admins`; compared case-insensitively with the
   * user's entity ref and ownership refs.
   */
  adminRefs: readonly string[];
}

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

const REF = /^(group|user):(?:([^:/]+)\/)?([^:/]+)$/i;

/** `kind:namespace/name` in lower case; the namespace defaults to `default`. */
function normalize(ref: string): string {
  const m = REF.exec(ref.trim());
  const s = m ? `${m[1]}:${m[2] ?? 'default'}/${m[3]}` : ref.trim();
  return s.toLocaleLowerCase('en-US');
}

/** Whether `name` is one of License Management's permissions. */
export function isLicenseManagementPermissionName(name: string): boolean {
  return name.startsWith(LICENSE_MANAGEMENT_PERMISSION_PREFIX);
}

/**
 * The License Management part of a permission policy, for a portal's own
 * policy to call first:
 *
 * - `license-management.license.read` is allowed (every signed-in user may
 *   read licenses, the status and the Key ID, and ask for checks);
 * - every other `license-management.*` permission (uploads, reloads,
 *   deletes, the request key, the records, usage reports, sharing) is
 *   allowed for the admin refs (matched against the user's entity ref and
 *   ownership refs) and denied to everyone else, and to requests without a
 *   user;
 * - any other permission gives `undefined`: the caller's policy decides it.
 *
 * Service-to-service calls (and external-access tokens, with their
 * `accessRestrictions`) are decided by Backstage's permissions service
 * without asking the policy, so they never reach this function.
 */
export function decideLicenseManagementPermission(
  request: PolicyQuery,
  user: PolicyQueryUser | undefined,
  options: LicenseManagementPolicyOptions,
): PolicyDecision | undefined {
  const { name } = request.permission;
  if (!isLicenseManagementPermissionName(name)) return undefined;
  if (name === licenseReadPermission.name) return ALLOW;
  if (!user) return DENY;
  const admins = new Set(options.adminRefs.map(normalize));
  const refs = [
    user.info?.userEntityRef ?? principalRef(user),
    ...(user.info?.ownershipEntityRefs ?? []),
  ].filter((r): r is string => typeof r === 'string');
  return refs.some(r => admins.has(normalize(r))) ? ALLOW : DENY;
}

function principalRef(user: PolicyQueryUser): string | undefined {
  const principal = user.credentials?.principal as { userEntityRef?: unknown } | undefined;
  return typeof principal?.userEntityRef === 'string' ? principal.userEntityRef : undefined;
}

/**
 * Reads `licenseManagement.adminGroups`: entity refs of groups or users
 * (`group:default/license-admins`, `user:default/jo`; the namespace defaults
 * to `default`). An empty list when it is not set: nobody administers
 * licenses. Throws, naming the entry and what to write, when an entry is not
 * a group or user entity ref.
 */
export function readLicenseAdminRefs(
  config: Pick<RootConfigService, 'getOptionalStringArray'>,
): string[] {
  const refs = config.getOptionalStringArray(LICENSE_ADMIN_GROUPS_CONFIG_KEY) ?? [];
  return refs.map((ref, i) => {
    const m = REF.exec(ref.trim());
    if (!m) {
      throw new Error(
        `${LICENSE_ADMIN_GROUPS_CONFIG_KEY}[${i}] '${ref}' is not a group or user entity ref; ` +
          `write it as group:<namespace>/<name> or user:<namespace>/<name>, e.g. group:default/license-admins`,
      );
    }
    return `${m[1].toLocaleLowerCase('en-US')}:${m[2] ?? 'default'}/${m[3]}`;
  });
}
