import { randomUUID } from 'node:crypto';
import {
  LicenseError,
  type RegisteredSite,
  type SharingSite,
} from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from '../database/LicenseStore';
import type { LeasedQuota } from './LeasedQuota';
import type { LeaseEngine } from './leaseEngine';
import { leaseRecord, siteRecord } from './records';
import { newCredential, type SiteCredentials } from './siteCredentials';
import type { SharingStore } from './SharingStore';

const iso = (ms: number) => new Date(ms).toISOString();
const NAME_LIMIT = 100;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * The client sites of a license server (`/sharing/sites`): registration with
 * a credential shown once, the list with their live leases, and revocation,
 * which ends the site's lease at once and stops its credential on every
 * replica.
 */
export class ClientSites {
  constructor(
    private readonly options: {
      store: SharingStore;
      engine: LeaseEngine;
      quota: LeasedQuota;
      credentials: SiteCredentials;
    },
  ) {}

  private get now(): number {
    return this.options.engine.clock();
  }

  async register(name: string, actor: string): Promise<RegisteredSite> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > NAME_LIMIT || CONTROL.test(trimmed)) {
      throw new LicenseError('invalid', `A client site needs a name of 1 to ${NAME_LIMIT} characters without control characters.`);
    }
    const sites = await this.options.store.listSites();
    if (sites.some(s => s.name === trimmed)) {
      throw new LicenseError('conflict', `A client site named '${trimmed}' is registered already; choose another name, or revoke that site first.`);
    }
    const id = randomUUID();
    const { credential, credentialHash } = newCredential(id);
    const at = this.now;
    await this.options.store.addSite(
      { id, name: trimmed, credentialHash, createdAt: at, createdBy: actor },
      siteRecord({ id, name: trimmed }, 'registered', at, actor),
    );
    return { id, name: trimmed, credential };
  }

  async list(): Promise<SharingSite[]> {
    const now = this.now;
    return (await this.options.store.listSites()).map(s => ({
      id: s.id,
      name: s.name,
      createdAt: iso(s.createdAt),
      lastSeenAt: s.lastSeenAt !== undefined ? iso(s.lastSeenAt) : null,
      lease:
        s.lease && s.lease.expiresAt > now
          ? { modules: s.lease.modules, quota: s.lease.quota, expiresAt: iso(s.lease.expiresAt) }
          : null,
    }));
  }

  /** Revokes a site: its lease ends at once and its credential stops working, on every replica. */
  async revoke(id: string, actor: string): Promise<void> {
    const now = this.now;
    await this.options.quota.change(id, now, ({ site }) => {
      if (!site || site.revokedAt !== undefined) {
        throw new LicenseError('not-found', `No client site with id '${id}' is registered (GET /sharing/sites lists them).`);
      }
      const records: NewRecord[] = [siteRecord(site, 'revoked', now, actor)];
      if (site.lease) records.push(leaseRecord(site, site.lease.expiresAt > now ? 'revoked' : 'expired', site.lease, now, actor));
      return { change: { revoke: { siteId: id, at: now, actor }, records }, result: undefined };
    });
    this.options.credentials.forget(id);
  }
}
