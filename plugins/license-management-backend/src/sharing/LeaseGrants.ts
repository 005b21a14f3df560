import {
  decideLease,
  leasedTotals,
  LicenseError,
  normalizeTerms,
  poolOf,
  termsKey,
  type LeaseGrant,
  type LeaseRequest,
  type LeaseTerms,
  type PoolItem,
} from '@backstage-licensing/plugin-license-management-common';
import type { SharingSettings } from './config';
import { liveTotals, type LeasedQuota } from './LeasedQuota';
import { coverOf, covers, type LeaseEngine, usedLocallyOf } from './leaseEngine';
import { leaseRecord, siteActor } from './records';
import { notAuthenticated } from './siteCredentials';
import type { LeaseChange, SharingStore, StoredLease } from './SharingStore';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The leases on the request path (`PUT`/`DELETE /sharing/lease`) and the pool
 * they are granted from (`GET /sharing/pool`). Every rule is a function of
 * `-common` (decideLease, poolOf); every change of leases is one transaction
 * under the store's allocation lock, shared by every replica. A renewal that
 * changes nothing takes a lock-free path that only moves the lease's expiry.
 */
export class LeaseGrants {
  constructor(
    private readonly options: {
      store: SharingStore;
      engine: LeaseEngine;
      settings: SharingSettings;
      quota: LeasedQuota;
    },
  ) {}

  private get now(): number {
    return this.options.engine.clock();
  }

  /** `GET /sharing/pool`: what the licenses authorize, what this server uses, what is leased, what is left. */
  async pool(): Promise<PoolItem[]> {
    const { catalog } = this.options.engine;
    const evaluation = this.options.engine.evaluation();
    const leases = await this.options.store.liveLeases(this.now);
    return poolOf({
      metrics: catalog.metricIds,
      authorized: coverOf(evaluation).authorized,
      usedLocally: usedLocallyOf(evaluation),
      leased: leasedTotals(leases.map(l => l.lease)),
    });
  }

  /**
   * `PUT /sharing/lease` for the site `authenticate` found: grants or renews the site's single lease with the
   * requested terms, all or nothing (LicenseError `conflict` saying what is
   * missing or available). A renewal with unchanged terms of a live lease
   * that the licenses still cover only moves its expiry.
   */
  async lease(siteId: string, request: LeaseRequest): Promise<LeaseGrant> {
    const requested = this.checkRequest(request);
    const { engine, settings, store } = this.options;
    const evaluation = engine.evaluation();
    const cover = coverOf(evaluation);
    const now = this.now;
    const expiresAt = now + settings.leaseTtlMs;
    const grant = (lease: LeaseTerms & { expiresAt: number }): LeaseGrant => ({
      edition: cover.edition!,
      modules: [...lease.modules],
      quota: { ...lease.quota },
      expiresAt: iso(lease.expiresAt),
    });

    if (covers(cover, requested)) {
      const renewed = await store.renewUnchanged(siteId, termsKey(requested), now, expiresAt);
      if (renewed) return grant(renewed);
    }

    const usedLocally = usedLocallyOf(evaluation);
    const title = (kind: 'metric' | 'item', id: string) => engine.catalog.title(kind, id);
    const outcome = await this.options.quota.change<{ refused: string } | { lease: StoredLease }>(siteId, now, state => {
      const { site, expired } = state;
      if (!site || site.revokedAt !== undefined) throw notAuthenticated();
      // Leases past their expiry end here (their quota is free from this instant); the reaper ends
      // those the licenses no longer cover.
      const records = expired.map(s => leaseRecord(s, 'expired', s.lease!, now, 'license-server'));
      const held = site.lease && site.lease.expiresAt > now ? site.lease : undefined;
      const decision = decideLease({
        cover,
        usedLocally,
        leased: liveTotals(state),
        held,
        requested,
        title,
      });
      const change: LeaseChange = { end: expired.map(s => s.id), records, seen: { siteId, at: now } };
      if (!decision.granted) return { change, result: { refused: decision.reason } };
      const same = held !== undefined && termsKey(held) === termsKey(decision.terms);
      const lease: StoredLease = {
        modules: [...decision.terms.modules],
        quota: { ...decision.terms.quota },
        grantedAt: same ? held.grantedAt : now,
        renewedAt: now,
        expiresAt,
      };
      const actor = siteActor(siteId);
      if (!held) records.push(leaseRecord(site, 'granted', lease, now, actor));
      else if (!same) records.push(leaseRecord(site, 'changed', lease, now, actor, held));
      return { change: { ...change, set: { siteId, lease } }, result: { lease } };
    });
    if ('refused' in outcome) throw new LicenseError('conflict', outcome.refused);
    return grant(outcome.lease);
  }

  /** `DELETE /sharing/lease` for the site `authenticate` found: the site gives its lease back (nothing to do when it holds none). */
  async release(siteId: string): Promise<void> {
    const now = this.now;
    await this.options.quota.change(siteId, now, ({ site }) => {
      if (!site || site.revokedAt !== undefined) throw notAuthenticated();
      const change: LeaseChange = { seen: { siteId, at: now } };
      if (!site.lease) return { change, result: undefined };
      const event = site.lease.expiresAt > now ? 'released' : 'expired';
      return {
        change: { ...change, end: [siteId], records: [leaseRecord(site, event, site.lease, now, siteActor(siteId))] },
        result: undefined,
      };
    });
  }

  /** The request's terms, normalized; LicenseError `invalid` for ids the catalog does not know. */
  private checkRequest(request: LeaseRequest): LeaseTerms {
    const { catalog } = this.options.engine;
    const terms = normalizeTerms({ modules: request.modules ?? [], quota: request.quota ?? {} });
    const unknownModules = terms.modules.filter(m => !catalog.moduleIds.includes(m));
    if (unknownModules.length) {
      throw new LicenseError('invalid', `Unknown module ${unknownModules.map(m => `'${m}'`).join(', ')}. Known modules: ${catalog.moduleIds.join(', ')}.`);
    }
    const unknownMetrics = Object.keys(request.quota ?? {}).filter(m => !catalog.isMetric(m));
    if (unknownMetrics.length) {
      throw new LicenseError('invalid', `Unknown metric ${unknownMetrics.map(m => `'${m}'`).join(', ')}. Known metrics: ${catalog.metricIds.join(', ')}.`);
    }
    return terms;
  }
}
