import fc from 'fast-check';
import { compileCatalog } from './catalog';
import { evaluateLicenses } from './evaluate';
import { base, now } from './testUtils';
import {
  availableToSite,
  decideLease,
  leasedTotals,
  leasesNotCovered,
  normalizeTerms,
  poolOf,
  termsKey,
  type LeaseTerms,
  type PoolCover,
} from './pool';

const cover = (authorized: Record<string, number>, modules: string[] = ['vmware'], edition = 'standard'): PoolCover => ({
  edition,
  modules: new Set(modules),
  authorized,
});
const terms = (quota: Record<string, number>, modules: string[] = []): LeaseTerms => ({ modules, quota });

describe('poolOf', () => {
  it('is authorized − used here − leased, never below 0, in catalog order, leaving out metrics with nothing', () => {
    expect(
      poolOf({
        metrics: ['hosts', 'arm-hosts', 'vmware-cpus', 'gpus'],
        authorized: { hosts: 100, 'vmware-cpus': 16, 'arm-hosts': 4 },
        usedLocally: { hosts: 30, 'vmware-cpus': 20 },
        leased: { hosts: 50, 'arm-hosts': 4 },
      }),
    ).toEqual([
      { metric: 'hosts', authorized: 100, usedLocally: 30, leased: 50, available: 20 },
      { metric: 'arm-hosts', authorized: 4, usedLocally: 0, leased: 4, available: 0 },
      { metric: 'vmware-cpus', authorized: 16, usedLocally: 20, leased: 0, available: 0 },
    ]);
  });

  it('sums the leases per metric', () => {
    expect(leasedTotals([{ quota: { hosts: 2 } }, { quota: { hosts: 3, gpus: 1 } }, { quota: {} }])).toEqual({ hosts: 5, gpus: 1 });
  });
});

describe('normalizeTerms / termsKey', () => {
  it('sorts modules and metrics, drops duplicates and zero amounts: equal terms, equal keys', () => {
    expect(normalizeTerms(terms({ vcpus: 0, hosts: 3, arm: 1 }, ['vmware', 'gpu', 'vmware']))).toEqual({
      modules: ['gpu', 'vmware'],
      quota: { arm: 1, hosts: 3 },
    });
    expect(termsKey(terms({ hosts: 3, arm: 1 }, ['vmware', 'gpu']))).toBe(termsKey(terms({ arm: 1, hosts: 3, x: 0 }, ['gpu', 'vmware'])));
    expect(termsKey(terms({ hosts: 3 }))).not.toBe(termsKey(terms({ hosts: 4 })));
  });
});

describe('availableToSite', () => {
  it('is what is available plus what the site holds', () => {
    expect(availableToSite({ authorized: 100, usedLocally: 30, leased: 50, held: 10 })).toBe(30);
  });
  it('keeps a renewal with unchanged terms possible when the server’s own use grew past the pool', () => {
    expect(availableToSite({ authorized: 100, usedLocally: 95, leased: 50, held: 10 })).toBe(10);
  });
  it('never lets the leases exceed what is authorized, even when use is low', () => {
    // Licenses shrank to 40 while 50 are leased: the site holding 10 may keep at most 0.
    expect(availableToSite({ authorized: 40, usedLocally: 0, leased: 50, held: 10 })).toBe(0);
    expect(availableToSite({ authorized: 45, usedLocally: 0, leased: 50, held: 10 })).toBe(5);
  });
});

describe('decideLease', () => {
  const title = (kind: 'metric' | 'item', id: string) => `${kind === 'metric' ? 'Metric' : 'Module'} ${id}`;

  it('grants what fits, normalized', () => {
    const d = decideLease({
      cover: cover({ hosts: 10 }),
      usedLocally: { hosts: 2 },
      leased: {},
      requested: terms({ hosts: 8, 'vmware-cpus': 0 }, ['vmware']),
    });
    expect(d).toEqual({ granted: true, terms: { modules: ['vmware'], quota: { hosts: 8 } } });
  });

  it('refuses a quota that does not fit, naming what is available, all or nothing', () => {
    const d = decideLease({
      cover: cover({ hosts: 10, gpus: 4 }),
      usedLocally: { hosts: 2 },
      leased: { hosts: 5 },
      requested: terms({ hosts: 4, gpus: 2 }),
      title,
    });
    expect(d.granted).toBe(false);
    if (d.granted) return;
    expect(d.short).toEqual([{ metric: 'hosts', requested: 4, available: 3 }]);
    expect(d.reason).toBe(
      'Not enough quota on the license server: Metric hosts (hosts): 4 requested, 3 available. Request at most what is available, or free quota on the license server.',
    );
  });

  it('counts what the site holds already when it asks for more', () => {
    const args = { cover: cover({ hosts: 10 }), usedLocally: { hosts: 2 }, leased: { hosts: 8 }, held: terms({ hosts: 5 }) };
    expect(decideLease({ ...args, requested: terms({ hosts: 5 }) }).granted).toBe(true);
    expect(decideLease({ ...args, requested: terms({ hosts: 5 }) }).granted).toBe(true);
    // 0 available + 5 held = 5; 6 does not fit.
    expect(decideLease({ ...args, requested: terms({ hosts: 6 }) })).toMatchObject({
      granted: false,
      short: [{ metric: 'hosts', requested: 6, available: 5 }],
    });
  });

  it('never refuses a renewal with unchanged terms because the server’s own use grew', () => {
    const d = decideLease({
      cover: cover({ hosts: 10 }),
      usedLocally: { hosts: 50 },
      leased: { hosts: 5 },
      held: terms({ hosts: 5 }),
      requested: terms({ hosts: 5 }),
    });
    expect(d.granted).toBe(true);
  });

  it('refuses modules not in force on the server, naming them', () => {
    const d = decideLease({
      cover: cover({}, ['vmware']),
      usedLocally: {},
      leased: {},
      requested: terms({}, ['gpu', 'vmware', 'backup']),
      title,
    });
    expect(d).toMatchObject({ granted: false, missingModules: ['backup', 'gpu'] });
    if (!d.granted) expect(d.reason).toMatch(/no Plus license in force for Module backup \(backup\), Module gpu \(gpu\)\. Lease without them/);
  });

  it('refuses everything when the server has no Base in force', () => {
    const d = decideLease({ cover: { modules: new Set(), authorized: {} }, usedLocally: {}, leased: {}, requested: terms({}) });
    expect(d).toMatchObject({ granted: false });
    if (!d.granted) expect(d.reason).toMatch(/no Base license in force/);
  });

  it('property: whatever sites ask, in whatever order, the sum of the grants never exceeds what is authorized', () => {
    const metrics = ['hosts', 'gpus'];
    const request = fc.record({
      site: fc.integer({ min: 0, max: 7 }),
      release: fc.boolean(),
      quota: fc.record({ hosts: fc.integer({ min: 0, max: 40 }), gpus: fc.integer({ min: 0, max: 10 }) }),
    });
    fc.assert(
      fc.property(
        fc.record({ hosts: fc.integer({ min: 0, max: 100 }), gpus: fc.integer({ min: 0, max: 20 }) }),
        fc.record({ hosts: fc.integer({ min: 0, max: 120 }), gpus: fc.integer({ min: 0, max: 30 }) }),
        fc.array(request, { maxLength: 60 }),
        (authorized, usedLocally, requests) => {
          const leases = new Map<number, LeaseTerms>();
          for (const r of requests) {
            if (r.release) {
              leases.delete(r.site);
              continue;
            }
            const d = decideLease({
              cover: cover(authorized),
              usedLocally,
              leased: leasedTotals(leases.values()),
              held: leases.get(r.site),
              requested: terms(r.quota),
            });
            if (d.granted) leases.set(r.site, d.terms);
            const totals = leasedTotals(leases.values());
            for (const m of metrics) {
              expect(totals[m] ?? 0).toBeLessThanOrEqual(authorized[m as 'hosts' | 'gpus']);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: a renewal with unchanged terms is granted whatever the server uses, while the licenses are unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 1000 }),
        (authorized, asks, used) => {
          const leases: LeaseTerms[] = [];
          for (const n of asks) {
            const d = decideLease({ cover: cover({ hosts: authorized }), usedLocally: {}, leased: leasedTotals(leases), requested: terms({ hosts: n }) });
            if (d.granted) leases.push(d.terms);
          }
          for (const held of leases) {
            const d = decideLease({
              cover: cover({ hosts: authorized }),
              usedLocally: { hosts: used },
              leased: leasedTotals(leases),
              held,
              requested: held,
            });
            expect(d.granted).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('leasesNotCovered', () => {
  const lease = (site: string, grantedAt: number, quota: Record<string, number>, modules: string[] = []) => ({
    site,
    grantedAt,
    terms: terms(quota, modules),
  });

  it('ends nothing while the licenses cover every lease, whatever the local use', () => {
    expect(leasesNotCovered([lease('a', 1, { hosts: 5 }), lease('b', 2, { hosts: 5 })], cover({ hosts: 10 }))).toEqual([]);
  });

  it('ends the leases granted last when the licenses shrank, and those holding a module no longer in force', () => {
    const leases = [lease('c', 3, { hosts: 4 }), lease('a', 1, { hosts: 5 }), lease('b', 2, { hosts: 4 }), lease('d', 4, {}, ['gpu'])];
    expect(leasesNotCovered(leases, cover({ hosts: 9 })).map(l => l.site)).toEqual(['c', 'd']);
  });

  it('ends every lease when no Base is in force', () => {
    const leases = [lease('a', 1, {}), lease('b', 2, { hosts: 1 })];
    expect(leasesNotCovered(leases, { modules: new Set(), authorized: { hosts: 10 } }).map(l => l.site)).toEqual(['a', 'b']);
  });
});

describe('evaluateLicenses on a license server', () => {
  const catalog = compileCatalog();
  const licenses = [base('b', { quota: { hosts: 10 } })];

  it('shows the quota leased to client sites apart from the use, and counts both against what is authorized', () => {
    const within = evaluateLicenses({ licenses, catalog, now, usage: { hosts: 4 }, leased: { hosts: 6 } });
    expect(within.quotas).toEqual([{ metric: 'hosts', authorized: 10, used: 4, leased: 6, exceeded: false }]);
    expect(within.exceptions).toEqual([]);
    const over = evaluateLicenses({ licenses, catalog, now, usage: { hosts: 5 }, leased: { hosts: 6 } });
    expect(over.quotas[0]).toMatchObject({ used: 5, leased: 6, exceeded: true });
    expect(over.exceptions).toEqual([
      expect.objectContaining({ code: 'QUOTA_EXCEEDED', metric: 'hosts', message: expect.stringMatching(/5 in use and 6 leased to client sites, 10 authorized/) }),
    ]);
  });

  it('lists a metric that is only leased', () => {
    const e = evaluateLicenses({ licenses: [base('b', { quota: { hosts: 10 } })], catalog, now, leased: { hosts: 3 } });
    expect(e.quotas).toEqual([{ metric: 'hosts', authorized: 10, used: 0, leased: 3, exceeded: false }]);
  });
});
