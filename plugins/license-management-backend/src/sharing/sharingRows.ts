import type { Knex } from 'knex';
import { termsKey } from '@backstage-licensing/plugin-license-management-common';
import { insertRecords } from '../database/KnexLicenseStore';
import type { LeaseChange, StoredLease, StoredSite } from './SharingStore';

// The rows of server licensing: how KnexSharingStore reads sites and leases
// and writes what a lease transaction decided.

export const SITES = 'license_sharing_sites';
export const TOTALS = 'license_sharing_totals';
export type Row = Record<string, any>;
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

const NO_LEASE = {
  lease_terms: null,
  lease_modules: null,
  lease_quota: null,
  lease_granted_at: null,
  lease_renewed_at: null,
  lease_expires_at: null,
};

/** Writes a lease transaction's change (ends, revocation, the new lease, last seen, records), without the totals. */
export async function writeChange(tx: Knex.Transaction, change: LeaseChange) {
  const ended = change.end ?? [];
  for (let i = 0; i < ended.length; i += 50) {
    await tx(SITES).whereIn('id', ended.slice(i, i + 50)).update(NO_LEASE);
  }
  if (change.revoke) {
    await tx(SITES)
      .where({ id: change.revoke.siteId })
      .update({ ...NO_LEASE, revoked_at: change.revoke.at, revoked_by: change.revoke.actor });
  }
  if (change.set) {
    const { lease } = change.set;
    await tx(SITES)
      .where({ id: change.set.siteId })
      .update({
        lease_terms: termsKey(lease),
        lease_modules: JSON.stringify(lease.modules),
        lease_quota: JSON.stringify(lease.quota),
        lease_granted_at: lease.grantedAt,
        lease_renewed_at: lease.renewedAt,
        lease_expires_at: lease.expiresAt,
      });
  }
  if (change.seen) {
    await tx(SITES).where({ id: change.seen.siteId }).update({ last_seen_at: change.seen.at });
  }
  if (change.records?.length) await insertRecords(tx, change.records);
}

/**
 * What a change does to the totals: the leases it ends or replaces (their
 * stored quota, from `known`) out, the new lease in.
 */
export function totalsDelta(change: LeaseChange, known: ReadonlyMap<string, StoredLease>): Record<string, number> {
  const delta: Record<string, number> = {};
  const add = (quota: Record<string, number>, sign: number) => {
    for (const [m, n] of Object.entries(quota)) delta[m] = (delta[m] ?? 0) + sign * n;
  };
  for (const id of change.end ?? []) {
    if (!known.has(id)) throw new Error(`A lease transaction ended the lease of site ${id}, which it did not read.`);
  }
  const out = new Set([...(change.end ?? []), ...(change.revoke ? [change.revoke.siteId] : []), ...(change.set ? [change.set.siteId] : [])]);
  for (const id of out) {
    const lease = known.get(id);
    if (lease) add(lease.quota, -1);
  }
  if (change.set) add(change.set.lease.quota, 1);
  return delta;
}

/** Moves the totals per metric by `delta`. */
export async function addTotals(tx: Knex.Transaction, delta: Record<string, number>) {
  for (const [metric, n] of Object.entries(delta)) {
    if (n === 0) continue;
    await tx(TOTALS)
      .insert({ metric, leased: n })
      .onConflict('metric')
      .merge({ leased: tx.raw('?? + ?', [`${TOTALS}.leased`, n]) });
  }
}

export function toLease(row: Row): StoredLease {
  return {
    modules: JSON.parse(row.lease_modules),
    quota: JSON.parse(row.lease_quota),
    grantedAt: Number(row.lease_granted_at),
    renewedAt: Number(row.lease_renewed_at),
    expiresAt: Number(row.lease_expires_at),
  };
}

export function toSite(row: Row): StoredSite {
  return {
    id: String(row.id),
    name: String(row.name),
    createdAt: Number(row.created_at),
    createdBy: String(row.created_by),
    ...(row.last_seen_at !== null ? { lastSeenAt: num(row.last_seen_at) } : {}),
    ...(row.revoked_at !== null ? { revokedAt: num(row.revoked_at) } : {}),
    ...(row.lease_terms !== null ? { lease: toLease(row) } : {}),
  };
}
