import { LIST_TITLES, type LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import { stateLabel } from './format';

/**
 * Why a portal whose license is valid still denies features, in a few words
 * ("quota exceeded"), or undefined when nothing degrades it. The server
 * decides (`/status.degradedBy`); this only words it.
 */
export function degradedReason(status: LicenseStatus): string | undefined {
  if (status.state !== 'valid' || !status.degradedBy?.length) return undefined;
  return status.degradedBy.map(code => LIST_TITLES.degraded[code]).join(', ');
}

/** The portal's state for a header or a summary: "Valid", "Expired", "Degraded: quota exceeded". */
export function portalStateText(status: LicenseStatus): string {
  const reason = degradedReason(status);
  return reason ? `Degraded: ${reason}` : stateLabel(status.state);
}
