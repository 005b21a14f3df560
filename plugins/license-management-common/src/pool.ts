/**
 * The pool of a license server (PRODUCT.md §2.6): what the licenses in force
 * authorize, what the server uses itself, what is leased to client sites, and
 * whether a site's lease request fits. Pure: the backend reads the figures
 * (under a lock, in one transaction) and asks these functions.
 */

/** What a client site leases: Plus modules and quota per metric. */
export interface LeaseTerms {
  modules: readonly string[];
  quota: Readonly<Record<string, number>>;
}

/** One metric of the pool, as `GET /sharing/pool` answers it. */
export interface PoolItem {
  metric: string;
  /** What the licenses in force on the server authorize. */
  authorized: number;
  /** The server's own use (usage providers and `PUT /usage`). */
  usedLocally: number;
  /** The sum of the live leases. */
  leased: number;
  /** max(0, authorized − usedLocally − leased). */
  available: number;
}

/** Figures per metric. */
export type MetricFigures = Readonly<Record<string, number>>;

/** What the licenses in force on the server cover, for leases. */
export interface PoolCover {
  /** The Base edition in force on the server; undefined when none is. */
  edition?: string;
  /** The Plus modules in force on the server. */
  modules: ReadonlySet<string>;
  /** Authorized quota per metric (0 when absent). */
  authorized: MetricFigures;
}

const figure = (f: MetricFigures, metric: string) => f[metric] ?? 0;

/** The terms as stored and compared: modules sorted and unique, metrics sorted, no zero amounts. */
export function normalizeTerms(terms: LeaseTerms): LeaseTerms {
  const modules = [...new Set(terms.modules)].sort();
  const quota: Record<string, number> = {};
  for (const metric of Object.keys(terms.quota).sort()) {
    if (terms.quota[metric] > 0) quota[metric] = terms.quota[metric];
  }
  return { modules, quota };
}

/** One string per distinct terms: equal strings, equal terms (after {@link normalizeTerms}). */
export const termsKey = (terms: LeaseTerms): string => JSON.stringify(normalizeTerms(terms));

/** The sum of the leases' quota per metric. */
export function leasedTotals(leases: Iterable<{ quota: MetricFigures }>): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const l of leases) {
    for (const [metric, n] of Object.entries(l.quota)) totals[metric] = (totals[metric] ?? 0) + n;
  }
  return totals;
}

/**
 * The pool per metric, in the order of `metrics` (the catalog's): every
 * metric with something authorized, used or leased.
 */
export function poolOf(input: {
  metrics: readonly string[];
  authorized: MetricFigures;
  usedLocally: MetricFigures;
  leased: MetricFigures;
}): PoolItem[] {
  const items: PoolItem[] = [];
  for (const metric of input.metrics) {
    const authorized = figure(input.authorized, metric);
    const usedLocally = figure(input.usedLocally, metric);
    const leased = figure(input.leased, metric);
    if (authorized === 0 && usedLocally === 0 && leased === 0) continue;
    items.push({ metric, authorized, usedLocally, leased, available: Math.max(0, authorized - usedLocally - leased) });
  }
  return items;
}

/**
 * How much of a metric one site may hold: what is available plus what the
 * site holds already, and never more than the licenses authorize beyond the
 * other sites' leases (so the sum of the leases never exceeds the pool). A
 * renewal with unchanged terms always fits the first bound, whatever the
 * server's own use: only fewer licenses can refuse it.
 */
export function availableToSite(input: {
  authorized: number;
  usedLocally: number;
  /** Every live lease's amount, this site's included. */
  leased: number;
  /** This site's live lease's amount. */
  held: number;
}): number {
  const { authorized, usedLocally, leased, held } = input;
  const available = Math.max(0, authorized - usedLocally - leased);
  return Math.max(0, Math.min(available + held, authorized - (leased - held)));
}

export type LeaseDecision =
  | { granted: true; terms: LeaseTerms }
  | {
      granted: false;
      /** One sentence or two: what is missing and what to do. */
      reason: string;
      /** Requested modules not in force on the server. */
      missingModules: string[];
      /** Requested metrics that do not fit, with what the site may have. */
      short: Array<{ metric: string; requested: number; available: number }>;
    };

/**
 * Does a site's lease request fit? All or nothing: the server must have a
 * Base in force, every requested module in force, and every requested
 * metric must fit {@link availableToSite}, counting what the site holds
 * already (`held`, its live lease, included in `leased`).
 */
export function decideLease(input: {
  cover: PoolCover;
  usedLocally: MetricFigures;
  /** Every live lease's quota summed per metric, `held` included. */
  leased: MetricFigures;
  held?: LeaseTerms;
  requested: LeaseTerms;
  /** Names a metric or module for people (the catalog's title); the id by default. */
  title?: (kind: 'metric' | 'item', id: string) => string;
}): LeaseDecision {
  const { cover, usedLocally, leased } = input;
  const title = input.title ?? ((_kind, id) => id);
  const requested = normalizeTerms(input.requested);
  const held = input.held?.quota ?? {};
  if (!cover.edition) {
    return {
      granted: false,
      reason: 'The license server has no Base license in force, so it has nothing to lease. Upload a Base license on the license server.',
      missingModules: [],
      short: [],
    };
  }
  const missingModules = requested.modules.filter(m => !cover.modules.has(m));
  const short: Array<{ metric: string; requested: number; available: number }> = [];
  for (const [metric, amount] of Object.entries(requested.quota)) {
    const available = availableToSite({
      authorized: figure(cover.authorized, metric),
      usedLocally: figure(usedLocally, metric),
      leased: figure(leased, metric),
      held: figure(held, metric),
    });
    if (amount > available) short.push({ metric, requested: amount, available });
  }
  if (missingModules.length === 0 && short.length === 0) return { granted: true, terms: requested };
  const sentences: string[] = [];
  if (missingModules.length > 0) {
    const names = missingModules.map(m => `${title('item', m)} (${m})`).join(', ');
    sentences.push(
      `The license server has no Plus license in force for ${names}. Lease without ${missingModules.length === 1 ? 'it' : 'them'}, or install ${missingModules.length === 1 ? 'it' : 'them'} on the license server.`,
    );
  }
  if (short.length > 0) {
    const parts = short.map(s => `${title('metric', s.metric)} (${s.metric}): ${s.requested} requested, ${s.available} available`);
    sentences.push(`Not enough quota on the license server: ${parts.join('; ')}. Request at most what is available, or free quota on the license server.`);
  }
  return { granted: false, reason: sentences.join(' '), missingModules, short };
}

/**
 * The live leases the server's licenses no longer cover: every lease when no
 * Base is in force; a lease holding a module not in force; and, per metric,
 * the leases granted last once the leases' sum exceeds what is authorized
 * (the oldest keep theirs). Local use never ends a lease.
 */
export function leasesNotCovered<L extends { grantedAt: number; terms: LeaseTerms }>(
  leases: readonly L[],
  cover: PoolCover,
): L[] {
  const ended: L[] = [];
  const totals: Record<string, number> = {};
  const oldestFirst = [...leases].sort((a, b) => a.grantedAt - b.grantedAt);
  for (const lease of oldestFirst) {
    const fits =
      cover.edition !== undefined &&
      lease.terms.modules.every(m => cover.modules.has(m)) &&
      Object.entries(lease.terms.quota).every(([metric, n]) => (totals[metric] ?? 0) + n <= figure(cover.authorized, metric));
    if (!fits) {
      ended.push(lease);
      continue;
    }
    for (const [metric, n] of Object.entries(lease.terms.quota)) totals[metric] = (totals[metric] ?? 0) + n;
  }
  return ended;
}
