import { usePermission } from '@backstage/plugin-permission-react';
import {
  licenseCreatePermission,
  licenseDeletePermission,
  recordReadPermission,
  requestKeyReadPermission,
  sharingManagePermission,
} from '@backstage-licensing/plugin-license-management-common';

/** What the signed-in user may do on License Management. False while the answers are read. */
export interface LicensePermissions {
  /** Upload licenses, reload, reinstate a superseded license (`license.create`). */
  canUpload: boolean;
  /** Delete Plus licenses (`license.delete`). */
  canDelete: boolean;
  /** Download the request key (`request-key.read`). */
  canRequestKey: boolean;
  /** Read the licensing records (`record.read`). */
  canReadRecords: boolean;
  /** On a license server: register and revoke client sites, read the pool (`sharing.manage`). */
  canManageSharing: boolean;
  /** Some answer is still being read. */
  loading: boolean;
}

/** The License Management permissions of the signed-in user: the one place the frontend asks them. */
export function useLicensePermissions(): LicensePermissions {
  const create = usePermission({ permission: licenseCreatePermission });
  const remove = usePermission({ permission: licenseDeletePermission });
  const requestKey = usePermission({ permission: requestKeyReadPermission });
  const records = usePermission({ permission: recordReadPermission });
  const sharing = usePermission({ permission: sharingManagePermission });
  return {
    canUpload: create.allowed,
    canDelete: remove.allowed,
    canRequestKey: requestKey.allowed,
    canReadRecords: records.allowed,
    canManageSharing: sharing.allowed,
    loading: create.loading || remove.loading || requestKey.loading || records.loading || sharing.loading,
  };
}
