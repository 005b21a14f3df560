import type { Evaluation } from './evaluate';
import { DAY_MS } from './lists';
import type { InstalledLicense, LicenseType } from './types';

/**
 * The slot a license competes for: `'base'` for every Base license, the
 * module id for a Plus license. In each slot the newest valid upload is in
 * force (PRODUCT.md §1).
 */
export const slotOf = (l: { type: LicenseType; item: string }): string => (l.type === 'base' ? 'base' : l.item);

/** Has a license expired at instant `at` (ms)? It is valid up to, not including, its `exp`. */
export const isExpiredAt = (l: { expiresAt: number }, at: number): boolean => l.expiresAt <= at;

/** Has a license not started yet at instant `at` (ms)? (`nbf` in the future: `pending`.) */
export const isPendingAt = (l: { notBefore?: number }, at: number): boolean =>
  l.notBefore !== undefined && l.notBefore > at;

/** The license in force in `slot` ('base' or a module id), if any. */
export const inForceIn = (evaluation: Evaluation, slot: string): InstalledLicense | undefined =>
  slot === 'base' ? evaluation.base : evaluation.plus.get(slot);

/**
 * Whole days from the instant judged (`evaluation.at`) until a license
 * expires: 0 on its last day; null once it has expired.
 */
export function daysLeftOf(l: { expiresAt: number }, evaluation: Pick<Evaluation, 'at'>): number | null {
  if (isExpiredAt(l, evaluation.at)) return null;
  return Math.floor((l.expiresAt - evaluation.at) / DAY_MS);
}

/**
 * Is this license in force and its slot about to run out, counting renewals
 * already loaded? Exactly what LICENSE_EXPIRING warns of (one exception per
 * slot, decided by evaluateLicenses with the configured expiryWarningDays):
 * a renewed license is not expiring soon.
 */
export function isExpiringSoon(l: InstalledLicense, evaluation: Evaluation): boolean {
  const slot = slotOf(l);
  if (inForceIn(evaluation, slot)?.id !== l.id) return false;
  return evaluation.exceptions.some(e => e.code === 'LICENSE_EXPIRING' && e.slot === slot);
}
