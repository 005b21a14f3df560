import { ConflictError } from '@backstage/errors';
import type { DowngradeConsequence } from '@backstage-licensing/plugin-license-management-common';

/**
 * A change (an upload, a reinstatement) that would downgrade the licenses in
 * force, sent without `?acknowledge=true`: a 409 (ConflictError) whose body
 * carries `consequences`, one sentence each (PRODUCT.md §2.1). Nothing was
 * changed.
 */
export class DowngradeRefusedError extends ConflictError {
  /** Own and enumerable, so Backstage's error body carries it as `error.consequences`. */
  readonly consequences: string[];

  constructor(message: string, consequences: string[]) {
    super(message);
    this.consequences = consequences;
  }
}

export type DowngradingChange = 'upload' | 'reinstatement';

/**
 * Refuses a change with consequences unless it was acknowledged. The message
 * says what happened and what to do; the consequences are listed beside it.
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
  throw new DowngradeRefusedError(
    `${what} (${n} consequence${n === 1 ? '' : 's'}). ${again}`,
    consequences.map(c => c.message),
  );
}
