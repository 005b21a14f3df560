export {
  decideLicenseManagementPermission,
  isLicenseManagementPermissionName,
  readLicenseAdminRefs,
  LICENSE_ADMIN_GROUPS_CONFIG_KEY,
  LICENSE_MANAGEMENT_PERMISSION_PREFIX,
  type LicenseManagementPolicyOptions,
} from './policy';
