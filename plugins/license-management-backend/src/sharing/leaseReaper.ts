import { leasesNotCovered, type PoolCover } from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from '../database/LicenseStore';
import type { LeasedQuota } from './LeasedQuota';
import { coverOf, type LeaseEngine } from './leaseEngine';
import { leaseRecord } from './records';
import type { SharingStore, StoredSite } from './SharingStore';

/**
 * The reaper (a global scheduled task): ends the leases past their expiry and
 * those the licenses in force no longer cover (leasesNotCovered), with their
 * records, in one transaction under the allocation lock. Returns how many ended.
 */
export async function reapLeases(options: { store: SharingStore; engine: LeaseEngine; quota: LeasedQuota }): Promise<number> {
  const cover = coverOf(options.engine.evaluation());
  const now = options.engine.clock();
  const count = await options.store.sweepLeases(({ holders }) => {
    const { ends, records } = endLeases(holders, cover, now);
    return { change: { end: ends, records }, result: ends.length };
  });
  // The reaper runs on one replica: the others see the ends at their next refresh.
  await options.quota.refresh();
  return count;
}

/**
 * Under the lock: the leases that end now (past their expiry; not covered by
 * the licenses in force) with their records, and the sites whose leases remain.
 */
function endLeases(holders: readonly StoredSite[], cover: PoolCover, now: number) {
  const records: NewRecord[] = [];
  const expired = holders.filter(h => h.lease!.expiresAt <= now);
  const live = holders.filter(h => h.lease!.expiresAt > now);
  const notCovered = leasesNotCovered(
    live.map(site => ({ site, grantedAt: site.lease!.grantedAt, terms: site.lease! })),
    cover,
  ).map(l => l.site);
  for (const site of expired) records.push(leaseRecord(site, 'expired', site.lease!, now, 'license-server'));
  for (const site of notCovered) records.push(leaseRecord(site, 'not-covered', site.lease!, now, 'license-server'));
  const ending = new Set([...expired, ...notCovered]);
  return { ends: [...ending].map(s => s.id), remaining: live.filter(s => !ending.has(s)), records };
}
