import { LicenseError } from './errors';
import type { Evaluation } from './evaluate';
import type { InstalledLicense } from './types';

/**
 * Plus licenses need a valid Base (PRODUCT.md §1): the one in force, or one
 * in the same upload. Judged on `after`, the evaluation of the licenses as
 * the upload would leave them, at the trusted instant (the clock, or the
 * high-water mark when the clock is behind it) — so "Base in force" is
 * decided by evaluateLicenses, as for everything else. Returns the refusal
 * (`invalid`) naming the Plus licenses, or undefined.
 */
export function plusWithoutBase(
  after: Pick<Evaluation, 'base'>,
  uploaded: readonly Pick<InstalledLicense, 'id' | 'type' | 'item'>[],
): LicenseError | undefined {
  if (after.base) return undefined;
  const plus = uploaded.filter(l => l.type === 'plus');
  if (plus.length === 0) return undefined;
  const many = plus.length > 1;
  return new LicenseError(
    'invalid',
    `Nothing was installed. Plus license${many ? 's' : ''} ${plus
      .map(l => `'${l.id}' (${l.item})`)
      .join(', ')} need${many ? '' : 's'} a valid Base license: install a Base license first, or upload it in the same file.`,
  );
}
