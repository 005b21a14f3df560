import { leasedTotals } from '@backstage-licensing/plugin-license-management-common';
import type { LeaseEngine } from './leaseEngine';
import type { LeaseChange, LeaseState, SharingStore } from './SharingStore';

/**
 * The quota leased now, as the engine of this replica shows it (/status
 * `leased`, QUOTA_EXCEEDED). Every lease transaction of this replica goes
 * through `change`, which tells the engine the totals it left, computed from
 * what it read under the lock, so that no query is needed to show them; the
 * other replicas' changes arrive by `refresh`, every `intervalMs` once started.
 */
export class LeasedQuota {
  private leased: Record<string, number> = {};
  /** Lease transactions of this replica, in the order they took the lock; and the last one whose totals are shown. */
  private locked = 0;
  private shown = 0;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly options: {
      store: SharingStore;
      engine: LeaseEngine;
      /** Whether this portal serves leases (told to the engine with the totals). */
      serving: boolean;
      logger?: { warn(message: string, e?: Error): void };
    },
  ) {}

  /** Reads the quota leased now and tells the engine; then again every `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch(e => this.options.logger?.warn('Could not read the leases of client sites', e as Error));
    }, intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-reads the live leases and gives their totals to the engine. */
  async refresh(): Promise<Record<string, number>> {
    const order = this.locked;
    const leases = await this.options.store.liveLeases(this.options.engine.clock());
    // A lease transaction of this replica that committed meanwhile knows better.
    if (this.shown <= order) this.show(order, leasedTotals(leases.map(l => l.lease)));
    return this.leased;
  }

  /**
   * One lease transaction (store.changeLeases); afterwards the engine is told
   * the totals it left.
   */
  async change<T>(siteId: string | undefined, now: number, decide: (state: LeaseState) => { change: LeaseChange; result: T }): Promise<T> {
    let after: { order: number; leased: Record<string, number> } | undefined;
    const result = await this.options.store.changeLeases(siteId, now, state => {
      const decided = decide(state);
      after = { order: ++this.locked, leased: liveTotalsAfter(state, now, decided.change) };
      return decided;
    });
    if (after && after.order > this.shown) this.show(after.order, after.leased);
    return result;
  }

  private show(order: number, leased: Record<string, number>) {
    this.shown = order;
    this.leased = leased;
    this.options.engine.setSharing?.({ serving: this.options.serving, leased });
  }
}

/** The quota of the live leases under the lock: the totals less the leases past their expiry. */
export function liveTotals(state: LeaseState): Record<string, number> {
  const totals = { ...state.totals };
  for (const s of state.expired) for (const [m, n] of Object.entries(s.lease!.quota)) totals[m] = (totals[m] ?? 0) - n;
  return totals;
}

/** The quota of the live leases once a lease transaction's change is written. */
function liveTotalsAfter(state: LeaseState, now: number, change: LeaseChange): Record<string, number> {
  const totals = liveTotals(state);
  const add = (quota: Record<string, number>, sign: number) => {
    for (const [m, n] of Object.entries(quota)) totals[m] = (totals[m] ?? 0) + sign * n;
  };
  const { site } = state;
  const replaced = site && [...(change.end ?? []), change.revoke?.siteId, change.set?.siteId].includes(site.id);
  if (site?.lease && site.revokedAt === undefined && site.lease.expiresAt > now && replaced) add(site.lease.quota, -1);
  if (change.set) add(change.set.lease.quota, 1);
  for (const m of Object.keys(totals)) if (totals[m] === 0) delete totals[m];
  return totals;
}
