import { compileCatalog } from './catalog';
import { evaluateLicenses, type Evaluation, type EvaluationInput } from './evaluate';
import { licenseNotices } from './notices';
import type { InstalledLicense, LicenseException } from './types';
import { base, DAY, now, plus } from './testUtils';

const catalog = compileCatalog();
const HOUR = 3_600_000;

function notices(licenses: InstalledLicense[], extra: Partial<EvaluationInput> = {}) {
  return licenseNotices(evaluateLicenses({ licenses, catalog, now, ...extra }), catalog);
}
const scopes = (list: { scope: string }[]) => list.map(n => n.scope);

describe('licenseNotices', () => {
  describe('a slot running out', () => {
    it.each([
      [45 * DAY, undefined],
      [30 * DAY + 1, undefined],
      [30 * DAY, 30],
      [20 * DAY, 30],
      [15 * DAY + HOUR, 30],
      [15 * DAY, 15],
      [10 * DAY, 15],
      [7 * DAY + 1, 15],
      [7 * DAY, 7],
      [2 * DAY, 7],
      [DAY + 1, 7],
      [DAY, 1],
      [HOUR, 1],
    ])('with %p ms left gives the %p-day notice', (left, threshold) => {
      const list = notices([base('b', { expiresAt: now + left })]);
      if (threshold === undefined) {
        expect(list).toEqual([]);
        return;
      }
      expect(list).toEqual([
        expect.objectContaining({
          scope: `license-management:slot:base:expiring:${threshold}`,
          kind: 'expiring',
          code: 'LICENSE_EXPIRING',
          slot: 'base',
          thresholdDays: threshold,
          severity: threshold <= 7 ? 'high' : 'normal',
        }),
      ]);
      expect(list[0].title).toBe(`The Standard Base license runs out within ${threshold} day${threshold === 1 ? '' : 's'}`);
    });

    it('names the last valid day in the description', () => {
      const [n] = notices([base('b', { expiresAt: Date.UTC(2026, 0, 11) })]);
      expect(n.description).toContain('last valid day is 2026-01-10 (UTC)');
    });

    it('is silenced by a renewal already loaded, also one that is still pending', () => {
      const b = base('b', { expiresAt: now + 10 * DAY, uploadSeq: 1 });
      const renewal = base('r', { notBefore: now + 10 * DAY, expiresAt: now + 400 * DAY, uploadSeq: 2 });
      expect(notices([b, renewal])).toEqual([]);
      // A renewal that only adds 10 days moves the notice to the 30-day threshold.
      const short = base('s', { notBefore: now + 10 * DAY, expiresAt: now + 20 * DAY, uploadSeq: 2 });
      expect(scopes(notices([b, short]))).toEqual(['license-management:slot:base:expiring:30']);
    });

    it('is not silenced by a renewal that leaves a gap', () => {
      const b = base('b', { expiresAt: now + 10 * DAY, uploadSeq: 1 });
      const late = base('r', { notBefore: now + 11 * DAY, expiresAt: now + 400 * DAY, uploadSeq: 2 });
      expect(scopes(notices([b, late]))).toEqual(['license-management:slot:base:expiring:15']);
    });

    it('gives one notice per slot and threshold, Base first, then modules by id', () => {
      const list = notices([
        plus('vm', 'vmware', { expiresAt: now + 5 * DAY }),
        base('b', { expiresAt: now + 20 * DAY }),
        plus('arm', 'arm64', { expiresAt: now + 12 * HOUR }),
        plus('gpu', 'gpu', { expiresAt: now + 300 * DAY }),
      ]);
      expect(scopes(list)).toEqual([
        'license-management:slot:base:expiring:30',
        'license-management:slot:arm64:expiring:1',
        'license-management:slot:vmware:expiring:7',
      ]);
      expect(list[2].title).toBe('The VMware Management Plus license runs out within 7 days');
      expect(new Set(scopes(list)).size).toBe(list.length);
    });

    it('keeps the same scope while time passes within a threshold, and the same notices for the same evaluation', () => {
      const b = base('b', { expiresAt: now + 14 * DAY });
      const early = notices([b]);
      const later = notices([b], { now: now + 6 * DAY });
      expect(scopes(early)).toEqual(['license-management:slot:base:expiring:15']);
      expect(scopes(later)).toEqual(scopes(early));
      expect(notices([b])).toEqual(early);
      expect(scopes(notices([b], { now: now + 7 * DAY }))).toEqual(['license-management:slot:base:expiring:7']);
    });

    it('takes other thresholds when given', () => {
      const e = evaluateLicenses({ licenses: [base('b', { expiresAt: now + 50 * DAY })], catalog, now });
      expect(scopes(licenseNotices(e, catalog, { thresholdDays: [90, 3] }))).toEqual([
        'license-management:slot:base:expiring:90',
      ]);
    });
  });

  describe('expiry', () => {
    it('of the Base is critical and carries the LICENSE_EXPIRED message', () => {
      const list = notices([base('b', { expiresAt: now - DAY })]);
      expect(list).toEqual([
        expect.objectContaining({
          scope: 'license-management:slot:base:expired',
          kind: 'expired',
          code: 'LICENSE_EXPIRED',
          severity: 'critical',
          title: 'The Standard Base license has expired',
        }),
      ]);
      expect(list[0].description).toMatch(/has expired \(its last valid day was/);
    });

    it('of a Plus module with nothing in force is high; a module renewed in time has none', () => {
      const list = notices([
        base('b'),
        plus('old', 'vmware', { expiresAt: now - DAY }),
        plus('old-arm', 'arm64', { expiresAt: now - DAY }),
        plus('new-arm', 'arm64'),
      ]);
      expect(list).toEqual([
        expect.objectContaining({ scope: 'license-management:slot:vmware:expired', severity: 'high', slot: 'vmware' }),
      ]);
    });

    it('of a Base still pending is no notice: the portal is community until it starts', () => {
      expect(notices([base('b', { notBefore: now + DAY })])).toEqual([]);
    });
  });

  it('gives one critical notice per metric over its quota', () => {
    const list = notices([base('b', { quota: { hosts: 10 } }), plus('vm', 'vmware', { quota: { 'vmware-cpus': 4 } })], {
      usage: { hosts: 11, 'vmware-cpus': 5 },
    });
    expect(list.map(n => [n.scope, n.kind, n.severity, n.metric])).toEqual([
      ['license-management:quota:hosts', 'quota', 'critical', 'hosts'],
      ['license-management:quota:vmware-cpus', 'quota', 'critical', 'vmware-cpus'],
    ]);
    expect(list[0].description).toContain('11 in use, 10 authorized');
  });

  it('turns every other exception into a notice of its own, codes added later included', () => {
    const e = evaluateLicenses({ licenses: [base('b')], catalog, now });
    const faults = [
      { code: 'USB_KEY_MISSING', message: 'No USB key.' },
      { code: 'USB_KEY_FAULT', message: 'Unreadable.' },
      { code: 'USB_KEY_ABNORMAL', message: 'Two keys.' },
      { code: 'LICENSE_SERVER_DISCONNECTED', message: 'Server down.' },
      { code: 'LICENSE_TAMPERED', message: 'Edited.', licenseId: 'lic-7' },
      { code: 'SOMETHING_NEW', message: 'New.', slot: 'vmware' },
    ] as unknown as LicenseException[];
    const list = licenseNotices({ ...e, exceptions: [...e.exceptions, ...faults] } as Evaluation, catalog);
    expect(list.map(n => [n.scope, n.severity, n.description])).toEqual([
      ['license-management:exception:USB_KEY_MISSING', 'critical', 'No USB key.'],
      ['license-management:exception:USB_KEY_FAULT', 'high', 'Unreadable.'],
      ['license-management:exception:USB_KEY_ABNORMAL', 'high', 'Two keys.'],
      ['license-management:exception:LICENSE_SERVER_DISCONNECTED', 'high', 'Server down.'],
      ['license-management:exception:LICENSE_TAMPERED:lic-7', 'critical', 'Edited.'],
      ['license-management:exception:SOMETHING_NEW:vmware', 'high', 'New.'],
    ]);
    expect(list.every(n => n.kind === 'exception')).toBe(true);
    expect(list[5].title).toBe('License exception SOMETHING_NEW');
  });

  it('reports a clock rollback as a critical fault', () => {
    const list = notices([base('b')], { highWaterMark: now + DAY });
    expect(list).toEqual([
      expect.objectContaining({ scope: 'license-management:exception:CLOCK_ROLLBACK', severity: 'critical' }),
    ]);
  });

  it('gives nothing for a healthy portal, nor for a community one', () => {
    expect(notices([base('b'), plus('vm', 'vmware')])).toEqual([]);
    expect(notices([])).toEqual([]);
  });
});
