import type { LicenseState, LicenseMethod, LicenseType } from './lists';

/**
 * Why a license cannot be deleted (`DELETE /licenses/:id`), or undefined when
 * it can: a Base license is replaced, never deleted; a USB-key license counts
 * only while its key is plugged in. A tampered row is no license, whatever it
 * claims to be: an admin may always remove it.
 */
export function deletionRefusal(
  l: { id: string; type: LicenseType; method: LicenseMethod },
  state: LicenseState | undefined,
): string | undefined {
  if (state === 'tampered') return undefined;
  if (l.type === 'base') {
    return `License '${l.id}' is a Base license, which cannot be deleted. Upload a new Base license to replace it.`;
  }
  if (l.method === 'usb-key') {
    return `License '${l.id}' comes from a USB key and cannot be deleted; it counts only while the key is plugged in.`;
  }
  return undefined;
}

/** May an admin delete this license? The `deletable` of every license view, and what DELETE allows. */
export const isDeletable = (
  l: { id: string; type: LicenseType; method: LicenseMethod },
  state: LicenseState | undefined,
): boolean => deletionRefusal(l, state) === undefined;
