import type {
  Evaluation,
  LeaseTerms,
  LicenseCatalog,
  PoolCover,
} from '@backstage-licensing/plugin-license-management-common';

/** What the lease server needs of the license engine of its replica. */
export interface LeaseEngine {
  readonly catalog: LicenseCatalog;
  readonly clock: () => number;
  /** The evaluation at the current instant (in memory). */
  evaluation(): Evaluation;
  /** Tells the engine this portal serves leases, and the quota leased now (for /status). */
  setSharing?(sharing: { serving: boolean; leased: Record<string, number> }): void;
}

/** What the licenses in force on this server cover. */
export function coverOf(evaluation: Evaluation): PoolCover {
  const authorized: Record<string, number> = {};
  for (const q of evaluation.quotas) authorized[q.metric] = q.authorized;
  return { edition: evaluation.base?.item, modules: new Set(evaluation.plus.keys()), authorized };
}

/** What this server uses itself, per metric. */
export function usedLocallyOf(evaluation: Evaluation): Record<string, number> {
  const used: Record<string, number> = {};
  for (const q of evaluation.quotas) used[q.metric] = q.used;
  return used;
}

/** Could a lease with these terms be covered at all (a quick test before the lock-free renewal)? */
export function covers(cover: PoolCover, terms: LeaseTerms): boolean {
  return (
    cover.edition !== undefined &&
    terms.modules.every(m => cover.modules.has(m)) &&
    Object.entries(terms.quota).every(([m, n]) => n <= (cover.authorized[m] ?? 0))
  );
}
