import { compileCatalog } from './catalog';
import { isLicenseError } from './errors';
import { evaluateLicenses } from './evaluate';
import { base, DAY, now, plus } from './testUtils';
import { plusWithoutBase } from './uploadRules';

const catalog = compileCatalog();
const after = (...licenses: ReturnType<typeof base>[]) => evaluateLicenses({ licenses, catalog, now });

describe('plusWithoutBase', () => {
  it('accepts Plus licenses when a Base is in force after the upload (installed before, or in the upload)', () => {
    const p = plus('p', 'vmware');
    expect(plusWithoutBase(after(base('b'), p), [p])).toBeUndefined();
  });

  it('accepts an upload without Plus licenses', () => {
    expect(plusWithoutBase(after(), [])).toBeUndefined();
  });

  it('refuses Plus licenses with no Base in force, naming each (invalid)', () => {
    const p1 = plus('p1', 'vmware');
    const p2 = plus('p2', 'gpu');
    const error = plusWithoutBase(after(p1, p2), [p1, p2]);
    expect(isLicenseError(error) && error.kind).toBe('invalid');
    expect(error?.message).toBe(
      "Nothing was installed. Plus licenses 'p1' (vmware), 'p2' (gpu) need a valid Base license: install a Base license first, or upload it in the same file.",
    );
    expect(plusWithoutBase(after(p1), [p1])?.message).toMatch(/Plus license 'p1' \(vmware\) needs a valid Base/);
  });

  it('a Base that is pending or expired at the instant judged is no Base in force', () => {
    const p = plus('p', 'vmware');
    expect(plusWithoutBase(after(base('b', { notBefore: now + DAY }), p), [p])).toBeDefined();
    expect(plusWithoutBase(after(base('b', { expiresAt: now - 1 }), p), [p])).toBeDefined();
  });

  it('judges at the high-water mark when the clock was turned back', () => {
    const b = base('b', { expiresAt: now + DAY });
    const p = plus('p', 'vmware');
    const judged = evaluateLicenses({ licenses: [b, p], catalog, now: now - 10 * DAY, highWaterMark: now + 2 * DAY });
    expect(plusWithoutBase(judged, [p])).toBeDefined();
  });
});
