import type { LeaseTerms } from '@backstage-licensing/plugin-license-management-common';
import { recordDetail } from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from '../database/LicenseStore';
import type { StoredLease, StoredSite } from './SharingStore';

/** How a lease ended or changed, for its record. */
export type LeaseEvent = 'granted' | 'changed' | 'released' | 'expired' | 'revoked' | 'not-covered';

const iso = (ms: number) => new Date(ms).toISOString();

/** "modules vmware, gpu; quota hosts=5" — the terms in words. */
export function termsInWords(terms: LeaseTerms): string {
  const modules = terms.modules.length ? `modules ${terms.modules.join(', ')}` : 'no modules';
  const quota = Object.entries(terms.quota);
  return `${modules}; ${quota.length ? `quota ${quota.map(([m, n]) => `${m}=${n}`).join(', ')}` : 'no quota'}`;
}

const siteName = (site: Pick<StoredSite, 'id' | 'name'>) => `client site '${site.name}' (${site.id})`;

/** The actor of what a client site did itself. */
export const siteActor = (siteId: string) => `site:${siteId}`;

/** The record of a site registered or revoked (action `site`). */
export function siteRecord(site: Pick<StoredSite, 'id' | 'name'>, what: 'registered' | 'revoked', time: number, actor: string): NewRecord {
  const detail =
    what === 'registered'
      ? `Registered ${siteName(site)}.`
      : `Revoked ${siteName(site)}: its credential no longer works and its lease, if any, ended.`;
  return { time, action: 'site', actor, detail: recordDetail(detail) };
}

/** The record of a lease granted, changed or ended (action `lease`), with its quota and expiry. */
export function leaseRecord(
  site: Pick<StoredSite, 'id' | 'name'>,
  event: LeaseEvent,
  lease: StoredLease,
  time: number,
  actor: string,
  previous?: LeaseTerms,
): NewRecord {
  const words: Record<LeaseEvent, string> = {
    granted: `Lease granted to ${siteName(site)}: ${termsInWords(lease)}, until ${iso(lease.expiresAt)}.`,
    changed: `Lease of ${siteName(site)} changed to ${termsInWords(lease)} (was ${previous ? termsInWords(previous) : '-'}), until ${iso(lease.expiresAt)}.`,
    released: `Lease released by ${siteName(site)}: ${termsInWords(lease)}; its quota is back in the pool.`,
    expired: `Lease of ${siteName(site)} expired (not renewed since ${iso(lease.renewedAt)}): ${termsInWords(lease)}; its quota is back in the pool.`,
    revoked: `Lease of ${siteName(site)} ended: the site was revoked. ${termsInWords(lease)}; its quota is back in the pool.`,
    'not-covered': `Lease of ${siteName(site)} ended: the licenses in force on this server no longer cover ${termsInWords(lease)}.`,
  };
  return {
    time,
    action: 'lease',
    quota: lease.quota,
    expiresAt: lease.expiresAt,
    actor,
    detail: recordDetail(words[event]),
  };
}
