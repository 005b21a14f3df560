import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '@backstage/errors';
import {
  decideLease,
  leasedTotals,
  leasesNotCovered,
  LicenseError,
  normalizeTerms,
  poolOf,
  termsKey,
  type Evaluation,
  type LeaseTerms,
  type LicenseCatalog,
  type PoolCover,
  type PoolItem,
} from '@backstage-licensing/plugin-license-management-common';
import type { NewRecord } from '../database/LicenseStore';
import type { SharingSettings } from './config';
import { leaseRecord, siteActor, siteRecord } from './records';
import type { LeaseChange, LeaseState, SharingStore, StoredLease, StoredSite } from './SharingStore';

/** What the lease server needs of the license engine of its replica. */
export interface LeaseEngine {
  readonly catalog: LicenseCatalog;
  readonly clock: () => number;
  /** The evaluation at the current instant (in memory). */
  evaluation(): Evaluation;
  /** Tells the engine this portal serves leases, and the quota leased now (for /status). */
  setSharing?(sharing: { serving: boolean; leased: Record<string, number> }): void;
}

/** The answer of `PUT /sharing/lease`. */
export interface LeaseGrant {
  edition: string;
  modules: string[];
  quota: Record<string, number>;
  expiresAt: string;
}

/** `GET /sharing/sites`: a site and its live lease; never a credential. */
export interface SiteView {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
  lease: { modules: string[]; quota: Record<string, number>; expiresAt: string } | null;
}

/** `POST /sharing/sites`: the credential is in this answer and nowhere else. */
export interface RegisteredSite {
  id: string;
  name: string;
  credential: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const NAME_LIMIT = 100;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNAUTHORIZED = 'This request needs a client site credential: send "Authorization: Bearer <credential>" with the credential shown when the site was registered on the license server (license-ctl sharing add-site). A revoked site must be registered again.';

/**
 * The license server of one replica (PRODUCT.md §2.6): registers and revokes
 * client sites and grants, renews and ends their leases from the pool the
 * licenses in force authorize. Every rule is a function of `-common`
 * (decideLease, leasesNotCovered, poolOf); every change of leases is one
 * transaction under the store's allocation lock, shared by every replica. A
 * renewal that changes nothing takes a lock-free path that only moves the
 * lease's expiry.
 */
export class LeaseServer {
  /** Credential hashes by site id: a site's credential never changes (revocation is checked in the database). */
  private readonly hashes = new Map<string, Buffer>();
  private leased: Record<string, number> = {};
  /** Lease transactions of this replica, in the order they took the lock; and the last one whose totals are shown. */
  private locked = 0;
  private shown = 0;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly options: {
      store: SharingStore;
      engine: LeaseEngine;
      settings: SharingSettings;
      logger?: { warn(message: string, e?: Error): void };
    },
  ) {}

  get enabled(): boolean {
    return this.options.settings.enabled;
  }

  private get now(): number {
    return this.options.engine.clock();
  }

  /** Reads the quota leased now and tells the engine; then again every `intervalMs` while sharing is on. */
  async start(intervalMs: number): Promise<void> {
    if (!this.enabled) return;
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

  /** Re-reads the live leases and gives their totals to the engine (/status `leased`, QUOTA_EXCEEDED). */
  async refresh(): Promise<Record<string, number>> {
    const order = this.locked;
    const leases = await this.options.store.liveLeases(this.now);
    // A lease transaction of this replica that committed meanwhile knows better.
    if (this.shown <= order) this.show(order, leasedTotals(leases.map(l => l.lease)));
    return this.leased;
  }

  private show(order: number, leased: Record<string, number>) {
    this.shown = order;
    this.leased = leased;
    this.options.engine.setSharing?.({ serving: this.enabled, leased });
  }

  /**
   * One lease transaction (store.changeLeases); afterwards the engine is told
   * the totals it left, computed from what it read under the lock, so that no
   * query is needed to show them. Other replicas' changes arrive by refresh().
   */
  private async change<T>(siteId: string | undefined, now: number, decide: (state: LeaseState) => { change: LeaseChange; result: T }): Promise<T> {
    let after: { order: number; leased: Record<string, number> } | undefined;
    const result = await this.options.store.changeLeases(siteId, now, state => {
      const decided = decide(state);
      after = { order: ++this.locked, leased: liveTotalsAfter(state, now, decided.change) };
      return decided;
    });
    if (after && after.order > this.shown) this.show(after.order, after.leased);
    return result;
  }

  async registerSite(name: string, actor: string): Promise<RegisteredSite> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > NAME_LIMIT || CONTROL.test(trimmed)) {
      throw new LicenseError('invalid', `A client site needs a name of 1 to ${NAME_LIMIT} characters without control characters.`);
    }
    const sites = await this.options.store.listSites();
    if (sites.some(s => s.name === trimmed)) {
      throw new LicenseError('conflict', `A client site named '${trimmed}' is registered already; choose another name, or revoke that site first.`);
    }
    const id = randomUUID();
    const credential = `${id}.${randomBytes(32).toString('base64url')}`;
    const at = this.now;
    await this.options.store.addSite(
      { id, name: trimmed, credentialHash: sha256(credential).toString('hex'), createdAt: at, createdBy: actor },
      siteRecord({ id, name: trimmed }, 'registered', at, actor),
    );
    return { id, name: trimmed, credential };
  }

  async listSites(): Promise<SiteView[]> {
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
  async revokeSite(id: string, actor: string): Promise<void> {
    const now = this.now;
    await this.change(id, now, ({ site }) => {
      if (!site || site.revokedAt !== undefined) {
        throw new LicenseError('not-found', `No client site with id '${id}' is registered (GET /sharing/sites lists them).`);
      }
      const records: NewRecord[] = [siteRecord(site, 'revoked', now, actor)];
      if (site.lease) records.push(leaseRecord(site, site.lease.expiresAt > now ? 'revoked' : 'expired', site.lease, now, actor));
      return { change: { revoke: { siteId: id, at: now, actor }, records }, result: undefined };
    });
    this.hashes.delete(id);
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

  /** The site a credential belongs to; AuthenticationError (401) for a missing, unknown or revoked one. */
  async authenticate(authorization: string | undefined): Promise<string> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new AuthenticationError(UNAUTHORIZED);
    const credential = match[1];
    const id = credential.slice(0, Math.max(0, credential.indexOf('.')));
    if (!id) throw new AuthenticationError(UNAUTHORIZED);
    let expected = this.hashes.get(id);
    if (!expected) {
      const stored = await this.options.store.credentialOf(id);
      if (!stored || stored.revoked) throw new AuthenticationError(UNAUTHORIZED);
      expected = Buffer.from(stored.credentialHash, 'hex');
      if (this.hashes.size >= 100_000) this.hashes.clear();
      this.hashes.set(id, expected);
    }
    const presented = sha256(credential);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new AuthenticationError(UNAUTHORIZED);
    }
    return id;
  }

  /**
   * `PUT /sharing/lease` for the site `authenticate` found: grants or renews the site's single lease with the
   * requested terms, all or nothing (LicenseError `conflict` saying what is
   * missing or available). A renewal with unchanged terms of a live lease
   * that the licenses still cover only moves its expiry.
   */
  async lease(siteId: string, request: { modules?: string[]; quota?: Record<string, number> }): Promise<LeaseGrant> {
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
    const outcome = await this.change<{ refused: string } | { lease: StoredLease }>(siteId, now, state => {
      const { site, expired } = state;
      if (!site || site.revokedAt !== undefined) throw new AuthenticationError(UNAUTHORIZED);
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
    await this.change(siteId, now, ({ site }) => {
      if (!site || site.revokedAt !== undefined) throw new AuthenticationError(UNAUTHORIZED);
      const change: LeaseChange = { seen: { siteId, at: now } };
      if (!site.lease) return { change, result: undefined };
      const event = site.lease.expiresAt > now ? 'released' : 'expired';
      return {
        change: { ...change, end: [siteId], records: [leaseRecord(site, event, site.lease, now, siteActor(siteId))] },
        result: undefined,
      };
    });
  }

  /**
   * Ends the leases past their expiry and those the licenses in force no
   * longer cover, with their records: the reaper (a global scheduled task).
   * Returns how many ended.
   */
  async sweep(): Promise<number> {
    const cover = coverOf(this.options.engine.evaluation());
    const now = this.now;
    const count = await this.options.store.sweepLeases(({ holders }) => {
      const { ends, records } = endLeases(holders, cover, now);
      return { change: { end: ends, records }, result: ends.length };
    });
    // The reaper runs on one replica: the others see the ends at their next refresh.
    await this.refresh();
    return count;
  }

  /** The request's terms, normalized; LicenseError `invalid` for ids the catalog does not know. */
  private checkRequest(request: { modules?: string[]; quota?: Record<string, number> }): LeaseTerms {
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

/** What the licenses in force on this server cover. */
export function coverOf(evaluation: Evaluation): PoolCover {
  const authorized: Record<string, number> = {};
  for (const q of evaluation.quotas) authorized[q.metric] = q.authorized;
  return { edition: evaluation.base?.item, modules: new Set(evaluation.plus.keys()), authorized };
}

function usedLocallyOf(evaluation: Evaluation): Record<string, number> {
  const used: Record<string, number> = {};
  for (const q of evaluation.quotas) used[q.metric] = q.used;
  return used;
}

/** Could a lease with these terms be covered at all (a quick test before the lock-free renewal)? */
function covers(cover: PoolCover, terms: LeaseTerms): boolean {
  return (
    cover.edition !== undefined &&
    terms.modules.every(m => cover.modules.has(m)) &&
    Object.entries(terms.quota).every(([m, n]) => n <= (cover.authorized[m] ?? 0))
  );
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

/** The quota of the live leases under the lock: the totals less the leases past their expiry. */
function liveTotals(state: LeaseState): Record<string, number> {
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
