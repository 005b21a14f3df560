import { DAY_MS } from './lists';
import type { InstalledLicense } from './types';

/** The instant the domain tests run at. */
export const now = Date.UTC(2026, 0, 1);
export const DAY = DAY_MS;

let nextSeq = 1;
/** An installed license: a Standard Base valid for a year unless told otherwise. */
export function license(over: Partial<InstalledLicense> & { id: string }): InstalledLicense {
  const seq = over.uploadSeq ?? nextSeq++;
  return {
    type: 'base',
    item: 'standard',
    method: 'request-key',
    keyId: 'key-1',
    issuer: 'vendor',
    quota: {},
    issuedAt: now - 30 * DAY,
    expiresAt: now + 365 * DAY,
    uploadedAt: now - 30 * DAY + seq,
    uploadSeq: seq,
    ...over,
  };
}
export const base = (id: string, over: Partial<InstalledLicense> = {}) => license({ id, ...over });
export const plus = (id: string, item: string, over: Partial<InstalledLicense> = {}) =>
  license({ id, type: 'plus', item, ...over });
