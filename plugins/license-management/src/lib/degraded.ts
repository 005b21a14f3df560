import type { ExceptionCode, LicenseStatus } from '@backstage-licensing/plugin-license-management-common';
import { stateLabel } from './format';

/**
 * Exceptions under which the server denies features although the Base
 * license is valid (`decideFeature` in -common answers QUOTA_EXCEEDED or
 * CLOCK_ROLLBACK to every check but the essential features).
 */
const DEGRADING: Partial<Record<ExceptionCode, string>> = {
  QUOTA_EXCEEDED: 'quota exceeded',
  CLOCK_ROLLBACK: 'system clock behind',
};

/**
 * Why a portal whose license is valid still denies features, in a few words
 * ("quota exceeded"), or undefined when nothing degrades it.
 */
export function degradedReason(status: LicenseStatus): string | undefined {
  if (status.state !== 'valid') return undefined;
  const reasons = [...new Set(status.exceptions.map(e => DEGRADING[e.code]).filter(Boolean))];
  return reasons.length ? reasons.join(', ') : undefined;
}

/** The portal's state for a header or a summary: "Valid", "Expired", "Degraded: quota exceeded". */
export function portalStateText(status: LicenseStatus): string {
  const reason = degradedReason(status);
  return reason ? `Degraded: ${reason}` : stateLabel(status.state);
}
