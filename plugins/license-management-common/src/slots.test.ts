import { compileCatalog } from './catalog';
import { evaluateLicenses } from './evaluate';
import { daysLeftOf, inForceIn, isExpiredAt, isExpiringSoon, isPendingAt, slotOf } from './slots';
import { base, DAY, now, plus } from './testUtils';

const catalog = compileCatalog();

describe('slotOf', () => {
  it('puts every Base in one slot and each Plus module in its own', () => {
    expect(slotOf(base('b1', { item: 'standard' }))).toBe('base');
    expect(slotOf(base('b2', { item: 'enterprise-prepaid' }))).toBe('base');
    expect(slotOf(plus('p1', 'vmware'))).toBe('vmware');
  });
});

describe('isExpiredAt / isPendingAt', () => {
  it('a license is valid up to, not including, its exp', () => {
    const l = base('b', { expiresAt: now });
    expect(isExpiredAt(l, now - 1)).toBe(false);
    expect(isExpiredAt(l, now)).toBe(true);
  });

  it('a license is pending before its nbf, and from its nbf on it is not', () => {
    expect(isPendingAt(base('b', { notBefore: now + 1 }), now)).toBe(true);
    expect(isPendingAt(base('b', { notBefore: now }), now)).toBe(false);
    expect(isPendingAt(base('b'), now)).toBe(false);
  });

  it('evaluateLicenses judges by the same rule', () => {
    const e = evaluateLicenses({ licenses: [base('b', { expiresAt: now }), plus('p', 'gpu', { notBefore: now + 1 })], catalog, now });
    expect(e.states.get('b')).toBe('expired');
    expect(e.states.get('p')).toBe('pending');
  });
});

describe('inForceIn', () => {
  it('finds the license in force of the Base slot and of a module slot', () => {
    const b = base('b');
    const p = plus('p', 'vmware');
    const e = evaluateLicenses({ licenses: [b, p], catalog, now });
    expect(inForceIn(e, 'base')).toBe(b);
    expect(inForceIn(e, 'vmware')).toBe(p);
    expect(inForceIn(e, 'gpu')).toBeUndefined();
  });
});

describe('daysLeftOf', () => {
  it('counts whole days to its own exp, 0 on the last day, null once expired', () => {
    const at = { at: now };
    expect(daysLeftOf(base('b', { expiresAt: now + 10 * DAY }), at)).toBe(10);
    expect(daysLeftOf(base('b', { expiresAt: now + 10 * DAY - 1 }), at)).toBe(9);
    expect(daysLeftOf(base('b', { expiresAt: now + DAY / 2 }), at)).toBe(0);
    expect(daysLeftOf(base('b', { expiresAt: now }), at)).toBeNull();
  });

  it('counts from the instant judged (the high-water mark when the clock is behind)', () => {
    const b = base('b', { expiresAt: now + 10 * DAY });
    const e = evaluateLicenses({ licenses: [b], catalog, now: now - 5 * DAY, highWaterMark: now });
    expect(daysLeftOf(b, e)).toBe(10);
  });
});

describe('isExpiringSoon', () => {
  it('is what LICENSE_EXPIRING warns of: in force, its slot running out within expiryWarningDays', () => {
    const b = base('b', { expiresAt: now + 10 * DAY });
    const e = evaluateLicenses({ licenses: [b], catalog, now });
    expect(e.exceptions.map(x => x.code)).toContain('LICENSE_EXPIRING');
    expect(isExpiringSoon(b, e)).toBe(true);
    const quiet = evaluateLicenses({ licenses: [b], catalog, now, expiryWarningDays: 5 });
    expect(isExpiringSoon(b, quiet)).toBe(false);
  });

  it('is false for a renewed license: the renewal already loaded covers the slot', () => {
    const b = base('b', { expiresAt: now + 10 * DAY });
    const renewal = base('r', { notBefore: now + 10 * DAY, expiresAt: now + 400 * DAY });
    const e = evaluateLicenses({ licenses: [b, renewal], catalog, now });
    expect(e.exceptions.map(x => x.code)).not.toContain('LICENSE_EXPIRING');
    expect(isExpiringSoon(b, e)).toBe(false);
  });

  it('is true when the renewal leaves a gap', () => {
    const b = base('b', { expiresAt: now + 10 * DAY });
    const late = base('r', { notBefore: now + 12 * DAY, expiresAt: now + 400 * DAY });
    expect(isExpiringSoon(b, evaluateLicenses({ licenses: [b, late], catalog, now }))).toBe(true);
  });

  it('is false for a license not in force (superseded, expired, pending)', () => {
    const old = plus('p1', 'vmware', { expiresAt: now + 5 * DAY });
    const newer = plus('p2', 'vmware', { expiresAt: now + 6 * DAY });
    const gone = plus('p3', 'gpu', { expiresAt: now - DAY });
    const e = evaluateLicenses({ licenses: [base('b'), old, newer, gone], catalog, now });
    expect(isExpiringSoon(newer, e)).toBe(true);
    expect(isExpiringSoon(old, e)).toBe(false);
    expect(isExpiringSoon(gone, e)).toBe(false);
  });
});
