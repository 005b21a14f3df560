import { compileCatalog } from './catalog';
import { checkRequestProblem, decideFeature, decideQuota, degradedBy } from './check';
import { evaluateLicenses, type Evaluation, type EvaluationInput } from './evaluate';
import type { CheckResult, InstalledLicense } from './types';
import { base, DAY, now, plus } from './testUtils';

const catalog = compileCatalog();


function evaluate(
  licenses: InstalledLicense[],
  extra: Partial<EvaluationInput> = {},
): Evaluation {
  return evaluateLicenses({ licenses, catalog, now, ...extra });
}
const decide = (e: Evaluation, feature: string) => decideFeature(catalog, e, feature);

/** What a person can do about a denial: every denial message must say one of these. */
const ACTIONABLE = /upload|install|ask your vendor|correct the clock|reduce use/i;
function expectDenied(result: CheckResult, code: CheckResult['code']) {
  expect(result.allowed).toBe(false);
  expect(result.code).toBe(code);
  expect(result.message).toMatch(ACTIONABLE);
}
function expectAllowed(result: CheckResult) {
  expect(result).toMatchObject({ allowed: true, code: 'OK' });
  expect(result.message).not.toBe('');
}

const scenarios: Record<string, Evaluation> = {
  community: evaluate([]),
  valid: evaluate([base('b'), plus('vm', 'vmware')]),
  expired: evaluate([base('b', { expiresAt: now - DAY }), plus('vm', 'vmware')]),
  overQuota: evaluate([base('b', { quota: { hosts: 1 } })], { usage: { hosts: 2 } }),
  rollback: evaluate([base('b')], { highWaterMark: now + DAY }),
};

describe('checkRequestProblem', () => {
  it('accepts a known feature alone', () => {
    expect(checkRequestProblem(catalog, { feature: 'vmware' })).toBeUndefined();
    expect(checkRequestProblem(catalog, { feature: 'license-management' })).toBeUndefined();
    expect(checkRequestProblem(catalog, { feature: 'community' })).toBeUndefined();
    expect(checkRequestProblem(catalog, { feature: 'virtualization' })).toBeUndefined();
  });

  it('accepts a metric that belongs to the feature, with or without an amount', () => {
    expect(checkRequestProblem(catalog, { feature: 'vmware', metric: 'vmware-cpus' })).toBeUndefined();
    expect(
      checkRequestProblem(catalog, { feature: 'vmware', metric: 'vmware-cpus', amount: 4 }),
    ).toBeUndefined();
    expect(
      checkRequestProblem(catalog, { feature: 'virtualization', metric: 'hosts', amount: 1 }),
    ).toBeUndefined();
    expect(checkRequestProblem(catalog, { feature: 'arm64', metric: 'arm-hosts' })).toBeUndefined();
  });

  it('accepts an amount of 0 (is current use within the quota?)', () => {
    expect(
      checkRequestProblem(catalog, { feature: 'vmware', metric: 'vmware-cpus', amount: 0 }),
    ).toBeUndefined();
  });

  it('refuses an unknown feature and lists the known ones', () => {
    const problem = checkRequestProblem(catalog, { feature: 'teleportation' });
    expect(problem).toContain("Unknown feature 'teleportation'");
    expect(problem).toContain('vmware');
    expect(problem).toContain('license-management');
  });

  it('refuses an unknown metric and lists the known ones', () => {
    const problem = checkRequestProblem(catalog, { feature: 'vmware', metric: 'cores' });
    expect(problem).toContain("Unknown metric 'cores'");
    expect(problem).toContain('vmware-cpus');
    expect(problem).toContain('hosts');
  });

  it('refuses a metric that does not belong to the feature and names those that do', () => {
    const problem = checkRequestProblem(catalog, { feature: 'vmware', metric: 'hosts' });
    expect(problem).toContain("Metric 'hosts' does not belong to feature 'vmware'");
    expect(problem).toContain('vmware-cpus');
    const none = checkRequestProblem(catalog, { feature: 'backup', metric: 'hosts' });
    expect(none).toContain("'backup' has no quota metric; leave 'metric' out");
  });

  it('refuses an amount without a metric', () => {
    expect(checkRequestProblem(catalog, { feature: 'vmware', amount: 1 })).toMatch(
      /'amount' needs a 'metric'/,
    );
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'refuses the amount %p',
    amount => {
      expect(
        checkRequestProblem(catalog, { feature: 'vmware', metric: 'vmware-cpus', amount }),
      ).toBe(`'amount' must be an integer of 0 or more.`);
    },
  );

  it('checks against the catalog it is given', () => {
    const custom = compileCatalog({
      editions: [{ id: 'pro', title: 'Pro', features: ['reports'], metrics: ['seats'] }],
      modules: [{ id: 'ai', title: 'AI', metrics: ['tokens'] }],
    });
    expect(checkRequestProblem(custom, { feature: 'reports', metric: 'seats' })).toBeUndefined();
    expect(checkRequestProblem(custom, { feature: 'ai', metric: 'tokens' })).toBeUndefined();
    expect(checkRequestProblem(custom, { feature: 'vmware' })).toContain('Unknown feature');
    expect(checkRequestProblem(custom, { feature: 'ai', metric: 'seats' })).toContain(
      'does not belong',
    );
  });
});

describe('decideFeature', () => {
  describe('the essential feature license-management', () => {
    it.each(Object.keys(scenarios))('is always allowed (%s)', name => {
      expectAllowed(decide(scenarios[name], 'license-management'));
    });

    it('is allowed under every exception at once', () => {
      const e = evaluate([base('b', { expiresAt: now - DAY, quota: { hosts: 1 } })], {
        usage: { hosts: 5 },
        highWaterMark: now + DAY,
      });
      expectAllowed(decide(e, 'license-management'));
    });
  });

  it('denies every other feature while the clock is rolled back, saying to correct it', () => {
    for (const feature of ['community', 'virtualization', 'vmware']) {
      const r = decide(scenarios.rollback, feature);
      expectDenied(r, 'CLOCK_ROLLBACK');
      expect(r.message).toMatch(/correct the clock/i);
    }
  });

  describe('EXPIRED Base', () => {
    it('denies every non-essential feature, even community ones and Plus modules in force', () => {
      for (const feature of ['community', 'virtualization', 'vmware', 'gpu']) {
        const r = decide(scenarios.expired, feature);
        expectDenied(r, 'EXPIRED');
        expect(r.message).toContain('last valid day 2025-12-30');
        expect(r.message).toMatch(/upload a new license on the license management page/i);
      }
    });

    it('is still reported while a renewal is pending', () => {
      const e = evaluate([base('gone', { expiresAt: now - DAY }), base('next', { notBefore: now + DAY })]);
      expectDenied(decide(e, 'virtualization'), 'EXPIRED');
    });

    it('comes before QUOTA_EXCEEDED', () => {
      const e = evaluate([base('b', { expiresAt: now - DAY })], { usage: { hosts: 5 } });
      expectDenied(decide(e, 'virtualization'), 'EXPIRED');
    });
  });

  describe('QUOTA_EXCEEDED', () => {
    it('denies every non-essential feature, naming the metric and what to do', () => {
      for (const feature of ['community', 'virtualization', 'vmware', 'gpu']) {
        const r = decide(scenarios.overQuota, feature);
        expectDenied(r, 'QUOTA_EXCEEDED');
        expect(r.message).toContain('hosts');
        expect(r.message).toMatch(/install a license with a larger quota or reduce use/i);
      }
    });

    it('names every exceeded metric', () => {
      const e = evaluate(
        [base('b', { quota: { hosts: 1 } }), plus('vm', 'vmware', { quota: { 'vmware-cpus': 1 } })],
        { usage: { hosts: 2, 'vmware-cpus': 2 } },
      );
      expect(decide(e, 'vmware').message).toContain('hosts, vmware-cpus');
    });

    it('is lifted when use is back within the quota', () => {
      const e = evaluate([base('b', { quota: { hosts: 2 } })], { usage: { hosts: 2 } });
      expectAllowed(decide(e, 'virtualization'));
    });
  });

  describe('community features', () => {
    it('are allowed without any Base license', () => {
      expectAllowed(decide(scenarios.community, 'community'));
    });

    it('are allowed while the only Base is pending', () => {
      expectAllowed(decide(evaluate([base('b', { notBefore: now + DAY })]), 'community'));
    });

    it('are allowed with a Base in force', () => {
      expectAllowed(decide(scenarios.valid, 'community'));
    });
  });

  describe('NOT_LICENSED', () => {
    it('denies edition and module features without a Base, saying to upload one', () => {
      for (const feature of ['virtualization', 'vmware', 'gpu']) {
        const r = decide(scenarios.community, feature);
        expectDenied(r, 'NOT_LICENSED');
        expect(r.message).toMatch(/needs a Base license/);
        expect(r.message).toMatch(/upload a license on the license management page/i);
      }
    });

    it('denies a module feature when only its Base is pending, even with the module installed', () => {
      const e = evaluate([base('b', { notBefore: now + DAY }), plus('vm', 'vmware')]);
      expectDenied(decide(e, 'vmware'), 'NOT_LICENSED');
    });

    it('denies a module feature without the module, naming the module to ask for', () => {
      const e = evaluate([base('b')]);
      for (const [feature, title] of [
        ['vmware', 'VMware Management'],
        ['tenant-management', 'Tenant Management'],
        ['gpu', 'GPU Service'],
      ]) {
        const r = decide(e, feature);
        expectDenied(r, 'NOT_LICENSED');
        expect(r.message).toContain(`Ask your vendor for a license for ${title}`);
      }
    });

    it('denies a module feature whose license is still pending', () => {
      const e = evaluate([base('b'), plus('vm', 'vmware', { notBefore: now + DAY })]);
      expectDenied(decide(e, 'vmware'), 'NOT_LICENSED');
      expectAllowed(decide(evaluate([base('b'), plus('vm', 'vmware', { notBefore: now + DAY })], { now: now + DAY }), 'vmware'));
    });

    it('does not let one module unlock another', () => {
      const e = evaluate([base('b'), plus('arm', 'arm64')]);
      expectDenied(decide(e, 'vmware'), 'NOT_LICENSED');
    });
  });

  describe('module features', () => {
    it('are allowed with a Base and the module in force', () => {
      for (const item of catalog.moduleIds) {
        const e = evaluate([base('b'), plus('p', item)]);
        expectAllowed(decide(e, item));
      }
    });

    it('are allowed on the license that comes back after the one in force expires', () => {
      const list = [
        base('b'),
        plus('vm-old', 'vmware', { uploadSeq: 1000 }),
        plus('vm-new', 'vmware', { uploadSeq: 1001, expiresAt: now + DAY }),
      ];
      expectAllowed(decide(evaluate(list, { now: now + 2 * DAY }), 'vmware'));
    });

    it('are EXPIRED when the module only has an expired license, saying to upload a renewal', () => {
      const e = evaluate([base('b'), plus('vm', 'vmware', { expiresAt: now - DAY })]);
      const r = decide(e, 'vmware');
      expectDenied(r, 'EXPIRED');
      expect(r.message).toContain('VMware Management Plus license expired');
      expect(r.message).toMatch(/upload a renewal on the license management page/i);
    });

    it('are EXPIRED from the instant the module license expires', () => {
      const list = [base('b'), plus('vm', 'vmware', { expiresAt: now + DAY })];
      expectAllowed(decide(evaluate(list, { now: now + DAY - 1 }), 'vmware'));
      expectDenied(decide(evaluate(list, { now: now + DAY }), 'vmware'), 'EXPIRED');
    });
  });

  describe('edition features', () => {
    it('gives every edition virtualization', () => {
      for (const item of catalog.editionIds) {
        expectAllowed(decide(evaluate([base('b', { item })]), 'virtualization'));
      }
    });

    it.each(['enterprise-trial', 'enterprise-prepaid'])(
      'lets %s unlock gpu, cloudformation and auto-scaling without their modules',
      item => {
        const e = evaluate([base('b', { item })]);
        for (const feature of ['gpu', 'cloudformation', 'auto-scaling']) {
          expectAllowed(decide(e, feature));
        }
        expectDenied(decide(e, 'vmware'), 'NOT_LICENSED');
        expectDenied(decide(e, 'sriov'), 'NOT_LICENSED');
      },
    );

    it('does not let standard unlock gpu, cloudformation or auto-scaling', () => {
      const e = evaluate([base('b', { item: 'standard' })]);
      for (const feature of ['gpu', 'cloudformation', 'auto-scaling']) {
        expectDenied(decide(e, feature), 'NOT_LICENSED');
      }
    });

    it('lets standard use gpu with the gpu module', () => {
      expectAllowed(decide(evaluate([base('b'), plus('g', 'gpu')]), 'gpu'));
    });

    it('follows the edition of the Base in force, not a superseded one', () => {
      const e = evaluate([
        base('trial', { item: 'enterprise-trial', uploadSeq: 1 }),
        base('std', { item: 'standard', uploadSeq: 2 }),
      ]);
      expectDenied(decide(e, 'gpu'), 'NOT_LICENSED');
    });

    it('lets an enterprise edition unlock gpu even when the gpu module expired', () => {
      const e = evaluate([base('b', { item: 'enterprise-prepaid' }), plus('g', 'gpu', { expiresAt: now - DAY })]);
      expectAllowed(decide(e, 'gpu'));
    });

    it('reports EXPIRED for gpu on standard when the gpu module expired', () => {
      const e = evaluate([base('b'), plus('g', 'gpu', { expiresAt: now - DAY })]);
      expectDenied(decide(e, 'gpu'), 'EXPIRED');
    });
  });

  it('works with a custom catalog', () => {
    const custom = compileCatalog({
      editions: [{ id: 'pro', title: 'Pro', features: ['reports'] }],
      modules: [{ id: 'ai', title: 'AI Assistant' }],
      communityFeatures: ['wiki'],
      essentialFeatures: ['admin'],
    });
    const none = evaluateLicenses({ licenses: [], catalog: custom, now });
    expectAllowed(decideFeature(custom, none, 'wiki'));
    expectAllowed(decideFeature(custom, none, 'admin'));
    expectDenied(decideFeature(custom, none, 'reports'), 'NOT_LICENSED');
    const pro = evaluateLicenses({ licenses: [base('b', { item: 'pro' })], catalog: custom, now });
    expectAllowed(decideFeature(custom, pro, 'reports'));
    const r = decideFeature(custom, pro, 'ai');
    expectDenied(r, 'NOT_LICENSED');
    expect(r.message).toContain('AI Assistant');
  });
});

describe('decideQuota', () => {
  const e = evaluate([base('b'), plus('vm', 'vmware', { quota: { 'vmware-cpus': 10 } })], {
    usage: { 'vmware-cpus': 6 },
  });
  const ok = decide(e, 'vmware');

  it('passes the feature decision through while used + amount stays within the quota', () => {
    expect(decideQuota(catalog, e, ok, 'vmware-cpus', 1, 6)).toBe(ok);
    expect(decideQuota(catalog, e, ok, 'vmware-cpus', 4, 6)).toBe(ok);
    expect(decideQuota(catalog, e, ok, 'vmware-cpus', 0, 10)).toBe(ok);
  });

  it('denies with QUOTA_EXCEEDED when used + amount is above the quota, saying what to do', () => {
    const r = decideQuota(catalog, e, ok, 'vmware-cpus', 5, 6);
    expectDenied(r, 'QUOTA_EXCEEDED');
    expect(r.message).toBe(
      'VMware CPUs: 6 in use and 5 more requested, but 10 authorized. Install a license with a larger quota.',
    );
  });

  it('uses the figure it is given for current use', () => {
    expect(decideQuota(catalog, e, ok, 'vmware-cpus', 1, 9)).toBe(ok);
    expectDenied(decideQuota(catalog, e, ok, 'vmware-cpus', 1, 10), 'QUOTA_EXCEEDED');
  });

  it('authorizes nothing for a metric no license in force grants', () => {
    const noQuota = evaluate([base('b'), plus('arm', 'arm64')]);
    const decision = decide(noQuota, 'arm64');
    expectAllowed(decision);
    expectDenied(decideQuota(catalog, noQuota, decision, 'arm-hosts', 1, 0), 'QUOTA_EXCEEDED');
    expect(decideQuota(catalog, noQuota, decision, 'arm-hosts', 0, 0)).toBe(decision);
  });

  it('counts only the license in force, not a superseded one with a larger quota', () => {
    const s = evaluate([
      base('b'),
      plus('big', 'vmware', { uploadSeq: 2000, quota: { 'vmware-cpus': 100 } }),
      plus('small', 'vmware', { uploadSeq: 2001, quota: { 'vmware-cpus': 2 } }),
    ]);
    const decision = decide(s, 'vmware');
    expectDenied(decideQuota(catalog, s, decision, 'vmware-cpus', 3, 0), 'QUOTA_EXCEEDED');
  });

  it('returns a denied feature decision unchanged', () => {
    const denied = decide(evaluate([base('b')]), 'vmware');
    expect(denied.allowed).toBe(false);
    expect(decideQuota(catalog, e, denied, 'vmware-cpus', 1, 0)).toBe(denied);
  });

  it('applies to Base metrics too', () => {
    const b = evaluate([base('b', { quota: { hosts: 3 } })]);
    const decision = decide(b, 'virtualization');
    expect(decideQuota(catalog, b, decision, 'hosts', 3, 0)).toBe(decision);
    expectDenied(decideQuota(catalog, b, decision, 'hosts', 1, 3), 'QUOTA_EXCEEDED');
  });
});

describe('denial messages', () => {
  it('always say what a person can do', () => {
    const denials: CheckResult[] = [];
    const evaluations = [
      ...Object.values(scenarios),
      evaluate([base('b')]),
      evaluate([base('b'), plus('vm', 'vmware', { expiresAt: now - DAY })]),
    ];
    for (const e of evaluations) {
      for (const feature of catalog.featureIds) {
        const r = decide(e, feature);
        if (!r.allowed) denials.push(r);
        for (const metric of catalog.metricIds) {
          if (!catalog.metricBelongsToFeature(metric, feature)) continue;
          const q = decideQuota(catalog, e, r, metric, 1_000_000, 0);
          if (!q.allowed) denials.push(q);
        }
      }
    }
    expect(new Set(denials.map(d => d.code))).toEqual(
      new Set(['NOT_LICENSED', 'EXPIRED', 'QUOTA_EXCEEDED', 'CLOCK_ROLLBACK']),
    );
    for (const d of denials) expect(d.message).toMatch(ACTIONABLE);
  });
});

describe('decideFeature with licenses that have not started', () => {
  const catalog = compileCatalog();
  const now = Date.UTC(2026, 0, 1);
  const DAY = 86_400_000;
  const lic = (id: string, type: 'base' | 'plus', item: string, over: Partial<InstalledLicense> = {}): InstalledLicense => ({
    id, type, item, method: 'request-key', keyId: 'K', issuer: 'v', quota: {},
    issuedAt: now - 10 * DAY, expiresAt: now + 100 * DAY, uploadedAt: now - DAY, uploadSeq: Number(id.length), ...over,
  });

  it('says when a pending Base starts', () => {
    const e = evaluateLicenses({ licenses: [lic('b', 'base', 'standard', { notBefore: now + 2 * DAY })], catalog, now });
    const r = decideFeature(catalog, e, 'virtualization');
    expect(r).toMatchObject({ allowed: false, code: 'NOT_LICENSED' });
    expect(r.message).toContain('starts on 2026-01-03');
  });

  it('answers EXPIRED with the start of the renewal when a module has a gap', () => {
    const e = evaluateLicenses({
      licenses: [
        lic('b', 'base', 'standard'),
        lic('old', 'plus', 'backup', { expiresAt: now - DAY }),
        lic('next', 'plus', 'backup', { notBefore: now + 3 * DAY }),
      ],
      catalog,
      now,
    });
    const r = decideFeature(catalog, e, 'backup');
    expect(r).toMatchObject({ allowed: false, code: 'EXPIRED' });
    expect(r.message).toContain('starts on 2026-01-04');
  });
});

describe('degradedBy', () => {
  const quota = (exceeded: boolean) => ({ metric: 'hosts', authorized: 10, used: exceeded ? 11 : 9, leased: 0, exceeded });
  it('is empty when nothing degrades the portal', () => {
    expect(degradedBy({ clockRollback: false, quotas: [quota(false)] })).toEqual([]);
  });
  it('names a clock behind the mark and use above a quota, in the order checks judge them', () => {
    expect(degradedBy({ clockRollback: true, quotas: [quota(true)] })).toEqual(['CLOCK_ROLLBACK', 'QUOTA_EXCEEDED']);
    expect(degradedBy({ clockRollback: false, quotas: [quota(false), quota(true)] })).toEqual(['QUOTA_EXCEEDED']);
  });
});
