import type {
  Evaluation,
  InstalledLicense,
} from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord, StoredLicense } from '../database/LicenseStore';

/** The license fields every license record carries. */
export function recordOf(l: Omit<StoredLicense, 'uploadSeq'>) {
  return {
    licenseId: l.id,
    type: l.type,
    item: l.item,
    method: l.method,
    quota: l.quota,
    issuedAt: l.issuedAt,
    expiresAt: l.expiresAt,
  };
}

/** A license in force before a change and superseded after it, and what holds its slot then. */
export interface Supersession {
  license: StoredLicense;
  by?: InstalledLicense;
}

/** The licenses of `previous` a change supersedes: in force before it, superseded after it. */
export function supersessions(
  previous: readonly StoredLicense[],
  before: Evaluation,
  after: Evaluation,
): Supersession[] {
  return previous
    .filter(l => before.states.get(l.id) === 'valid' && after.states.get(l.id) === 'superseded')
    .map(license => ({
      license,
      by: license.type === 'base' ? after.base : after.plus.get(license.item),
    }));
}

/** The `replace` records of supersessions. */
export function replaceRecords(found: readonly Supersession[], time: number, actor: string): NewRecord[] {
  return found.map(({ license, by }) => ({
    time,
    action: 'replace',
    ...recordOf(license),
    state: 'superseded',
    actor,
    detail: by ? `replaced by ${by.id}` : undefined,
  }));
}
