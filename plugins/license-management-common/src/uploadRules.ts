import { LicenseError } from './errors';
import type { Evaluation } from './evaluate';
import type { InstalledLicense } from './types';
import { usbKeyUploadProblem } from './usbKey';

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

/**
 * `usb-key` licenses must be bound to a USB key plugged into a live
 * management node now (PRODUCT.md §2.7); `usb` is the USB key as judged now
 * (undefined or not enabled: USB key licensing is off). Returns the refusal
 * (`invalid`) naming each license and the key to plug in, or undefined.
 */
export function usbKeyNotPresent(
  usb: { enabled: boolean; present: readonly string[] } | undefined,
  uploaded: readonly Pick<InstalledLicense, 'id' | 'method' | 'keyId'>[],
): LicenseError | undefined {
  const problems = uploaded.flatMap(l => {
    if (l.method !== 'usb-key') return [];
    const problem = usbKeyUploadProblem(l.keyId, usb);
    return problem ? [`license '${l.id}' was rejected: ${problem}`] : [];
  });
  if (problems.length === 0) return undefined;
  return new LicenseError('invalid', `Nothing was installed. ${problems.join('; ')}.`);
}
