import { createPermission } from '@backstage/plugin-permission-common';

/** Read licenses, status, Key ID and ask for checks. Everyone signed in. */
export const licenseReadPermission = createPermission({
  name: 'license-management.license.read',
  attributes: { action: 'read' },
});

/** Upload license files and reload licenses. Admins. */
export const licenseCreatePermission = createPermission({
  name: 'license-management.license.create',
  attributes: { action: 'create' },
});

/** Delete Plus licenses. Admins. */
export const licenseDeletePermission = createPermission({
  name: 'license-management.license.delete',
  attributes: { action: 'delete' },
});

/** Download the request key. Admins. */
export const requestKeyReadPermission = createPermission({
  name: 'license-management.request-key.read',
  attributes: { action: 'read' },
});

/** Read the licensing records. Admins. */
export const recordReadPermission = createPermission({
  name: 'license-management.record.read',
  attributes: { action: 'read' },
});

/** Report current use of a quota metric. Services. */
export const usageUpdatePermission = createPermission({
  name: 'license-management.usage.update',
  attributes: { action: 'update' },
});

/** On a license server: register, list and revoke client sites, read the pool (PRODUCT.md §2.6). Admins. */
export const sharingManagePermission = createPermission({
  name: 'license-management.sharing.manage',
  attributes: {},
});

/** Every permission of the plugin, for registration with the permissions registry. */
export const licenseManagementPermissions = [
  licenseReadPermission,
  licenseCreatePermission,
  licenseDeletePermission,
  requestKeyReadPermission,
  recordReadPermission,
  usageUpdatePermission,
  sharingManagePermission,
];
