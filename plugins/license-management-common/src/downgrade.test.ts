import { compileCatalog } from './catalog';
import { consequencesOfChange, downgradeConsequences } from './downgrade';
import { evaluateLicenses, type EvaluationInput } from './evaluate';
import type { InstalledLicense } from './types';
import { base, DAY, now, plus } from './testUtils';

const catalog = compileCatalog();

const evaluate = (licenses: InstalledLicense[], extra: Partial<EvaluationInput> = {}) =>
  evaluateLicenses({ licenses, catalog, now, ...extra });

/** The consequences of adding `added` (uploaded last) to `installed`. */
function adding(installed: InstalledLicense[], added: InstalledLicense[], usage: Record<string, number> = {}) {
  return downgradeConsequences(catalog, evaluate(installed, { usage }), evaluate([...installed, ...added], { usage }));
}

describe('downgradeConsequences', () => {
  const enterprise = base('ent', { item: 'enterprise-prepaid', uploadSeq: 1, quota: { hosts: 100 } });

  it('names the features a Standard Base over Enterprise Prepaid would lose, by catalog title, in one sentence', () => {
    const standard = base('std', { item: 'standard', uploadSeq: 2, quota: { hosts: 100 } });
    const found = adding([enterprise], [standard]);
    expect(found).toEqual([
      {
        kind: 'features',
        features: ['gpu', 'cloudformation', 'auto-scaling'],
        edition: { before: 'enterprise-prepaid', after: 'standard' },
        message:
          'The Base edition in force would change from Enterprise Prepaid to Standard, which has fewer features: GPU Service, CloudFormation and Auto-Scaling Service would no longer be licensed.',
      },
    ]);
  });

  it('does not count features a Plus module in force still licenses', () => {
    const gpu = plus('gpu-1', 'gpu', { uploadSeq: 2 });
    const standard = base('std', { item: 'standard', uploadSeq: 3, quota: { hosts: 100 } });
    const [features] = adding([enterprise, gpu], [standard]);
    expect(features).toMatchObject({ kind: 'features', features: ['cloudformation', 'auto-scaling'] });
    expect(features.message).toContain('CloudFormation and Auto-Scaling Service would no longer');
    expect(features.message).not.toContain('GPU');
  });

  it('says how far use would exceed a metric whose authorized amount drops below it', () => {
    const smaller = base('ent-small', { item: 'enterprise-prepaid', uploadSeq: 2, quota: { hosts: 20 } });
    expect(adding([enterprise], [smaller], { hosts: 50 })).toEqual([
      {
        kind: 'quota',
        metric: 'hosts',
        authorized: { before: 100, after: 20 },
        used: 50,
        message:
          'The authorized Hosts would drop from 100 to 20 while 50 are in use, exceeding it by 30, so most features would be unavailable (QUOTA_EXCEEDED).',
      },
    ]);
  });

  it('gives one consequence per metric and one for the features, each one sentence', () => {
    const vm = plus('vm', 'vmware', { uploadSeq: 2, quota: { 'vmware-cpus': 64 } });
    const vmSmall = plus('vm-small', 'vmware', { uploadSeq: 4, quota: { 'vmware-cpus': 8 } });
    const standard = base('std', { item: 'standard', uploadSeq: 3, quota: { hosts: 10 } });
    const found = adding([enterprise, vm], [standard, vmSmall], { hosts: 11, 'vmware-cpus': 9 });
    expect(found.map(c => c.kind)).toEqual(['features', 'quota', 'quota']);
    expect(found.map(c => (c.kind === 'quota' ? [c.metric, c.authorized, c.used] : c.features))).toEqual([
      ['gpu', 'cloudformation', 'auto-scaling'],
      ['hosts', { before: 100, after: 10 }, 11],
      ['vmware-cpus', { before: 64, after: 8 }, 9],
    ]);
    expect(found[2].message).toBe(
      'The authorized VMware CPUs would drop from 64 to 8 while 9 are in use, exceeding it by 1, so most features would be unavailable (QUOTA_EXCEEDED).',
    );
    for (const c of found) expect(c.message.match(/\.(\s|$)/g)).toHaveLength(1);
  });

  it('has no consequence for an upgrade, a lower quota still above use, or a renewal like the license in force', () => {
    const standard = base('std', { item: 'standard', uploadSeq: 1, quota: { hosts: 100 } });
    expect(adding([standard], [base('ent', { item: 'enterprise-trial', uploadSeq: 2, quota: { hosts: 10 } })], { hosts: 10 })).toEqual([]);
    expect(adding([enterprise], [base('renewal', { item: 'enterprise-prepaid', uploadSeq: 2, quota: { hosts: 100 } })], { hosts: 100 })).toEqual([]);
    // Enterprise Trial has the features of Enterprise Prepaid: not a downgrade of features.
    expect(adding([enterprise], [base('trial', { item: 'enterprise-trial', uploadSeq: 2, quota: { hosts: 100 } })])).toEqual([]);
  });

  it('has no consequence when nothing licensed is in force before (community, expired) or the change is not in force yet', () => {
    const standard = base('std', { item: 'standard', uploadSeq: 2 });
    expect(adding([], [standard], { hosts: 5 })).toEqual([]);
    expect(adding([base('old', { item: 'enterprise-prepaid', uploadSeq: 1, expiresAt: now - DAY })], [standard])).toEqual([]);
    // A Standard renewal that starts next month changes nothing now.
    expect(adding([enterprise], [base('later', { item: 'standard', uploadSeq: 2, notBefore: now + 30 * DAY })])).toEqual([]);
  });

  it('counts a quota already exceeded that would drop further', () => {
    const smaller = base('ent-small', { item: 'enterprise-prepaid', uploadSeq: 2, quota: { hosts: 20 } });
    expect(adding([enterprise], [smaller], { hosts: 150 })).toEqual([
      expect.objectContaining({ metric: 'hosts', authorized: { before: 100, after: 20 }, used: 150 }),
    ]);
  });

  it('says from when, for a change that takes effect later', () => {
    const standard = base('std', { item: 'standard', uploadSeq: 2, notBefore: now + 30 * DAY, quota: { hosts: 5 } });
    const at = now + 30 * DAY;
    const found = downgradeConsequences(
      catalog,
      evaluate([enterprise], { now: at, usage: { hosts: 6 } }),
      evaluate([enterprise, standard], { now: at, usage: { hosts: 6 } }),
      { from: at },
    );
    expect(found.map(c => c.message)).toEqual([
      'From 2026-01-31 (UTC), the Base edition in force would change from Enterprise Prepaid to Standard, which has fewer features: GPU Service, CloudFormation and Auto-Scaling Service would no longer be licensed.',
      'From 2026-01-31 (UTC), the authorized Hosts would drop from 100 to 5 while 6 are in use, exceeding it by 1, so most features would be unavailable (QUOTA_EXCEEDED).',
    ]);
    expect(found.every(c => c.from === at)).toBe(true);
  });
});

describe('consequencesOfChange', () => {
  const enterprise = base('ent', { item: 'enterprise-prepaid', uploadSeq: 1, quota: { hosts: 100 } });
  const input = (licenses: InstalledLicense[], usage: Record<string, number> = {}): EvaluationInput => ({
    licenses,
    catalog,
    now,
    usage,
  });

  it('judges the change now', () => {
    const standard = base('std', { item: 'standard', uploadSeq: 2, quota: { hosts: 100 } });
    expect(consequencesOfChange(input([enterprise]), { licenses: [enterprise, standard] }).map(c => c.kind)).toEqual([
      'features',
    ]);
  });

  it('judges a pending license of the change when it starts, unless what it replaces has ended by then', () => {
    const start = now + 30 * DAY;
    const standard = base('std', { item: 'standard', uploadSeq: 2, notBefore: start, quota: { hosts: 100 } });
    const found = consequencesOfChange(input([enterprise]), { licenses: [enterprise, standard], startsAt: [start] });
    expect(found).toEqual([expect.objectContaining({ kind: 'features', from: start })]);

    // A renewal for after the Enterprise license ends replaces nothing in force.
    const ending = base('ent-ending', { item: 'enterprise-prepaid', uploadSeq: 1, expiresAt: now + 10 * DAY });
    expect(consequencesOfChange(input([ending]), { licenses: [ending, standard], startsAt: [start] })).toEqual([]);
  });

  it('lists a consequence due now once, not again for later', () => {
    const start = now + 30 * DAY;
    const standard = base('std', { item: 'standard', uploadSeq: 2, quota: { hosts: 10 } });
    const vm = plus('vm', 'vmware', { uploadSeq: 3, notBefore: start });
    const found = consequencesOfChange(input([enterprise], { hosts: 20 }), {
      licenses: [enterprise, standard, vm],
      startsAt: [start, now - DAY],
    });
    expect(found.map(c => [c.kind, c.from])).toEqual([
      ['features', undefined],
      ['quota', undefined],
    ]);
  });
});
