import {
  isoDate,
  LicenseError,
  validThroughOf,
  type Evaluation,
} from '@backstage-licensing/plugin-license-management-common';
import type { StoredLicense } from '../database/LicenseStore';
import type { TamperedRow } from './storedLicenses';

export interface ReinstateContext {
  /** The trusted licenses, as the manager holds them. */
  licenses: readonly StoredLicense[];
  tampered: readonly TamperedRow[];
  /** The licenses as they stand. */
  current: Evaluation;
  /** The next upload order (after every stored row). */
  nextUploadSeq: number;
}

export interface ReinstatePlan {
  license: StoredLicense;
  /** The licenses as they will be: `license` the newest upload of every license. */
  licenses: StoredLicense[];
}

/**
 * Decides whether a license can be brought back into force (PRODUCT.md §2.1):
 * only a `superseded` one can; it then becomes the newest upload, so it holds
 * its slot. Throws a LicenseError: `not-found` for an id not installed, `conflict`
 * (that says the state and what to do) for any other state.
 */
export function planReinstatement(id: string, ctx: ReinstateContext): ReinstatePlan {
  if (ctx.tampered.some(t => t.id === id)) {
    throw new LicenseError(
      'conflict',
      `License '${id}' cannot be reinstated: its stored data does not match its signed token (state tampered), so it is not trusted. Upload its license file again to restore it.`,
    );
  }
  const license = ctx.licenses.find(l => l.id === id);
  if (!license) {
    throw new LicenseError(
      'not-found',
      `No installed license has the id '${id}'. List licenses with GET /licenses; a deleted license comes back by uploading its license file again.`,
    );
  }
  const state = ctx.current.states.get(id);
  switch (state) {
    case 'superseded':
      break;
    case 'valid':
      throw new LicenseError('conflict', `License '${id}' is already in force (state valid); there is nothing to reinstate.`);
    case 'pending':
      throw new LicenseError(
        'conflict',
        `License '${id}' is pending (state pending): it starts on ${isoDate(license.notBefore!)} (UTC) and cannot be put in force before then. It enters its slot by itself at that time; reinstate it afterwards if a later upload holds the slot.`,
      );
    case 'expired':
      throw new LicenseError(
        'conflict',
        `License '${id}' has expired (state expired; its last valid day was ${validThroughOf(license.expiresAt)}, UTC) and cannot be put back in force. Upload a renewed license instead.`,
      );
    default:
      throw new LicenseError('conflict', `License '${id}' is ${state ?? 'in no known state'}; only a superseded license can be reinstated.`);
  }
  return {
    license,
    licenses: ctx.licenses.map(l => (l.id === id ? { ...l, uploadSeq: ctx.nextUploadSeq } : l)),
  };
}
