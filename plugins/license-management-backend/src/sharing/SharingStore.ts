import type { LeaseTerms } from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from '../database/LicenseStore';

/** A client site's lease as stored. Times in ms. */
export interface StoredLease extends LeaseTerms {
  modules: string[];
  quota: Record<string, number>;
  /** When these terms were first granted (a renewal that changes nothing keeps it). */
  grantedAt: number;
  /** The last renewal. */
  renewedAt: number;
  /** renewedAt + leaseTtl: the lease ends then unless renewed. */
  expiresAt: number;
}

/** A client site of a license server. */
export interface StoredSite {
  id: string;
  name: string;
  createdAt: number;
  createdBy: string;
  /** The last lease request that authenticated. */
  lastSeenAt?: number;
  revokedAt?: number;
  /** Its lease, live or past its expiry but not ended yet; undefined when it holds none. */
  lease?: StoredLease;
}

export interface NewSite {
  id: string;
  name: string;
  /** SHA-256 of the credential, hex. */
  credentialHash: string;
  createdAt: number;
  createdBy: string;
}

/** What a lease transaction writes, as the domain decided it under the lock. */
export interface LeaseChange {
  /** Sites whose lease ends (expired, released, revoked, no longer covered). */
  end?: readonly string[];
  /** A site's new or renewed lease. */
  set?: { siteId: string; lease: StoredLease };
  /** A site revoked: it keeps its row, its credential stops working. */
  revoke?: { siteId: string; at: number; actor: string };
  /** A site that authenticated. */
  seen?: { siteId: string; at: number };
  records?: readonly NewRecord[];
}

/** What a lease transaction reads once it holds the lock: nothing that grows with the number of sites. */
export interface LeaseState {
  /** The site the transaction is about (revoked or not); undefined when unknown or not asked. */
  site?: StoredSite;
  /** The quota of every lease not ended yet (live, or past its expiry), summed per metric. */
  totals: Record<string, number>;
  /** The sites (not revoked) whose lease is past its expiry at `now` and not ended yet. */
  expired: StoredSite[];
}

/** What the reaper reads once it holds the lock. */
export interface SweepState {
  /** Every site that is not revoked and holds a lease (live, or past its expiry and not ended). */
  holders: StoredSite[];
}

/**
 * Persistence of server licensing: client sites and their leases. Every
 * change of leases is one transaction that holds a lock shared by every
 * replica ({@link SharingStore.changeLeases}), so that the leases it reads are
 * the leases that stand when it writes.
 */
export interface SharingStore {
  /** Registers a site and appends its record, in one transaction. */
  addSite(site: NewSite, record: NewRecord): Promise<void>;
  /** A site's credential hash, revoked or not; undefined for an unknown id. */
  credentialOf(id: string): Promise<{ credentialHash: string; revoked: boolean } | undefined>;
  /** The sites that are not revoked, oldest first. */
  listSites(): Promise<StoredSite[]>;
  /**
   * The fast path of a renewal that changes nothing: moves the lease's
   * expiry when the site is not revoked, holds a lease with exactly `terms`
   * (termsKey) and that lease has not passed its expiry at `now`. Needs no
   * lock: the sum of the leases does not change. Returns the lease, or
   * undefined when nothing matched (the caller takes the locked path).
   */
  renewUnchanged(siteId: string, terms: string, now: number, expiresAt: number): Promise<StoredLease | undefined>;
  /**
   * One transaction under the allocation lock: reads the state (the site,
   * the totals, the leases past their expiry at `now`), asks `decide` what to
   * write, writes it and keeps the totals. `decide` must be pure (it runs
   * again when the database asks for a retry). It may end only the site's
   * lease and those in `expired`.
   */
  changeLeases<T>(siteId: string | undefined, now: number, decide: (state: LeaseState) => { change: LeaseChange; result: T }): Promise<T>;
  /**
   * The reaper's transaction under the allocation lock: every lease is read,
   * `decide` may end any, and the totals are computed again from the leases
   * that remain.
   */
  sweepLeases<T>(decide: (state: SweepState) => { change: LeaseChange; result: T }): Promise<T>;
  /** Every live lease (not ended, not past its expiry at `now`), without a lock: for display and status. */
  liveLeases(now: number): Promise<Array<{ siteId: string; lease: StoredLease }>>;
}
