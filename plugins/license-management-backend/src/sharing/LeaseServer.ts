import type {
  LeaseGrant,
  LeaseRequest,
  PoolItem,
  RegisteredSite,
  SharingSite,
} from '@backstage-licensing/plugin-license-management-common';
import { ClientSites } from './ClientSites';
import type { SharingSettings } from './config';
import { LeasedQuota } from './LeasedQuota';
import type { LeaseEngine } from './leaseEngine';
import { LeaseGrants } from './LeaseGrants';
import { reapLeases } from './leaseReaper';
import { SiteCredentials } from './siteCredentials';
import type { SharingStore } from './SharingStore';

export type { LeaseEngine } from './leaseEngine';

/**
 * The license server of one replica (PRODUCT.md §2.6), what the sharing
 * routes and the plugin call: client sites (ClientSites) and their
 * credentials (SiteCredentials), leases and the pool (LeaseGrants), the
 * reaper (reapLeases), and the quota leased now as the engine shows it
 * (LeasedQuota), through which every lease transaction of this replica goes.
 */
export class LeaseServer {
  private readonly quota: LeasedQuota;
  private readonly credentials: SiteCredentials;
  private readonly sites: ClientSites;
  private readonly grants: LeaseGrants;

  constructor(
    private readonly options: {
      store: SharingStore;
      engine: LeaseEngine;
      settings: SharingSettings;
      logger?: { warn(message: string, e?: Error): void };
    },
  ) {
    const { store, engine, settings, logger } = options;
    this.quota = new LeasedQuota({ store, engine, serving: settings.enabled, logger });
    this.credentials = new SiteCredentials(store);
    this.sites = new ClientSites({ store, engine, quota: this.quota, credentials: this.credentials });
    this.grants = new LeaseGrants({ store, engine, settings, quota: this.quota });
  }

  get enabled(): boolean {
    return this.options.settings.enabled;
  }

  /** Reads the quota leased now and tells the engine; then again every `intervalMs` while sharing is on. */
  async start(intervalMs: number): Promise<void> {
    if (this.enabled) await this.quota.start(intervalMs);
  }

  stop(): void {
    this.quota.stop();
  }

  /** Re-reads the live leases and gives their totals to the engine (/status `leased`, QUOTA_EXCEEDED). */
  refresh(): Promise<Record<string, number>> {
    return this.quota.refresh();
  }

  registerSite(name: string, actor: string): Promise<RegisteredSite> {
    return this.sites.register(name, actor);
  }

  listSites(): Promise<SharingSite[]> {
    return this.sites.list();
  }

  /** Revokes a site: its lease ends at once and its credential stops working, on every replica. */
  revokeSite(id: string, actor: string): Promise<void> {
    return this.sites.revoke(id, actor);
  }

  /** The site a credential belongs to; AuthenticationError (401) for a missing, unknown or revoked one. */
  authenticate(authorization: string | undefined): Promise<string> {
    return this.credentials.authenticate(authorization);
  }

  /** The site of a credential whose hash this replica already holds and which matches; else undefined. No database. */
  authenticateFromMemory(authorization: string | undefined): string | undefined {
    return this.credentials.authenticateFromMemory(authorization);
  }

  /** This replica's clock (the engine's). */
  now(): number {
    return this.options.engine.clock();
  }

  /** `GET /sharing/pool`. */
  pool(): Promise<PoolItem[]> {
    return this.grants.pool();
  }

  /** `PUT /sharing/lease` for the site `authenticate` found: grants or renews its lease, all or nothing. */
  lease(siteId: string, request: LeaseRequest): Promise<LeaseGrant> {
    return this.grants.lease(siteId, request);
  }

  /** `DELETE /sharing/lease` for the site `authenticate` found. */
  release(siteId: string): Promise<void> {
    return this.grants.release(siteId);
  }

  /** The reaper's pass: ends the expired leases and those no longer covered; returns how many. */
  sweep(): Promise<number> {
    return reapLeases({ store: this.options.store, engine: this.options.engine, quota: this.quota });
  }
}
