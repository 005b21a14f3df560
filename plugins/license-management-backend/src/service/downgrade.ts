import { LicenseError, type DowngradeConsequence } from '@backstage-licensing/plugin-license-management-common';

export type DowngradingChange = 'upload' | 'reinstatement';

/**
 * Refuses a change with consequences unless it was acknowledged: a
 * LicenseError('conflict', message, { consequences }), one sentence per
 * consequence (PRODUCT.md §2.1); the router answers 409 with `message` and
 * `consequences` at the top level. Nothing was changed.
 */
export function refuseUnacknowledged(
  consequences: readonly DowngradeConsequence[],
  acknowledged: boolean,
  change: DowngradingChange,
): void {
  if (consequences.length === 0 || acknowledged) return;
  const what =
    change === 'upload'
      ? 'Nothing was installed: this upload would reduce what the portal is licensed for'
      : 'The license was not reinstated: it would reduce what the portal is licensed for';
  const again =
    change === 'upload'
      ? 'To install it anyway, upload it again with ?acknowledge=true.'
      : 'To reinstate it anyway, send the request again with ?acknowledge=true.';
  const n = consequences.length;
  throw new LicenseError('conflict', `${what} (${n} consequence${n === 1 ? '' : 's'}). ${again}`, {
    consequences: consequences.map(c => c.message),
  });
}
