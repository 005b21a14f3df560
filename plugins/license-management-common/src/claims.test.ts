import { compileCatalog } from './catalog';
import { claimsProblem, hasUnsafeText, quotable } from './claims';
import { MAX_CLAIM_SECONDS } from './limits';

const catalog = compileCatalog();
const now = Date.UTC(2026, 0, 1);
const nowS = now / 1000;
const DAY_S = 86_400;

/** Good claims of a Standard Base license issued yesterday for a year; override any part. */
function claims(over: Record<string, unknown> = {}, license: Record<string, unknown> = {}) {
  return {
    jti: 'lic-0001',
    iss: 'Example Vendor',
    sub: 'key-id-1234',
    iat: nowS - DAY_S,
    exp: nowS + 365 * DAY_S,
    ...over,
    license: {
      type: 'base',
      item: 'standard',
      method: 'request-key',
      ...license,
    },
  };
}
function without(obj: Record<string, unknown>, key: string) {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}
const problemOf = (raw: unknown) => {
  const r = claimsProblem(raw, catalog, now);
  return 'problem' in r ? r.problem : undefined;
};

describe('claimsProblem', () => {
  describe('good claims', () => {
    it('passes a Base license and returns its claims', () => {
      const raw = claims({}, { quota: { hosts: 50 }, customer: 'ACME' });
      const r = claimsProblem(raw, catalog, now);
      expect(r).toEqual({ claims: raw });
    });

    it('passes a Plus license with its own quota metric', () => {
      expect(
        problemOf(claims({}, { type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 64 } })),
      ).toBeUndefined();
      expect(problemOf(claims({}, { type: 'plus', item: 'backup' }))).toBeUndefined();
    });

    it('passes every edition and every module of the catalog', () => {
      for (const item of catalog.editionIds) {
        expect(problemOf(claims({}, { type: 'base', item }))).toBeUndefined();
      }
      for (const item of catalog.moduleIds) {
        expect(problemOf(claims({}, { type: 'plus', item }))).toBeUndefined();
      }
    });

    it('passes a usb-key license', () => {
      expect(problemOf(claims({}, { method: 'usb-key' }))).toBeUndefined();
    });

    it('passes a future notBefore (a renewal loaded ahead of time)', () => {
      expect(problemOf(claims({ nbf: nowS + 30 * DAY_S }))).toBeUndefined();
    });

    it('passes a notBefore earlier than iat', () => {
      expect(problemOf(claims({ nbf: nowS - 10 * DAY_S }))).toBeUndefined();
    });

    it('keeps unknown top-level claims', () => {
      const r = claimsProblem(claims({ aud: 'portal', extra: 1 }), catalog, now);
      expect('claims' in r && (r.claims as Record<string, unknown>).aud).toBe('portal');
    });

    it('passes an iat up to a day ahead (clock skew)', () => {
      expect(problemOf(claims({ iat: nowS + DAY_S }))).toBeUndefined();
    });

    it('passes a license that expires one second from now', () => {
      expect(problemOf(claims({ exp: nowS + 1 }))).toBeUndefined();
    });
  });

  describe('missing or invalid claims', () => {
    it.each(['jti', 'iss', 'sub', 'iat', 'exp', 'license'])('refuses a missing %s', key => {
      expect(problemOf(without(claims(), key))).toMatch(new RegExp(`^bad claim '${key}'`));
    });

    it.each(['type', 'item', 'method'])('refuses a missing license.%s', key => {
      const raw = claims();
      raw.license = without(raw.license, key) as typeof raw.license;
      expect(problemOf(raw)).toMatch(new RegExp(`^bad claim 'license.${key}'`));
    });

    it.each([null, undefined, 'a token', 42, []])('refuses claims that are not an object: %p', raw => {
      expect(problemOf(raw)).toMatch(/^bad claim/);
    });

    it.each([
      ['jti', ''],
      ['jti', 'has space'],
      ['jti', '-leading-dash'],
      ['jti', 'x'.repeat(129)],
      ['jti', 7],
      ['iss', ''],
      ['sub', ''],
      ['iat', -1],
      ['iat', 1.5],
      ['iat', '1767225600'],
      ['exp', Number.POSITIVE_INFINITY],
      ['exp', null],
      ['nbf', -5],
      ['nbf', 'soon'],
    ])('refuses %s = %p', (key, value) => {
      expect(problemOf(claims({ [key]: value }))).toMatch(new RegExp(`^bad claim '${key}'`));
    });

    it.each([
      ['type', 'addon'],
      ['method', 'floppy'],
      ['item', ''],
      ['item', 'x'.repeat(65)],
      ['customer', 42],
      ['quota', [1, 2]],
    ])('refuses license.%s = %p', (key, value) => {
      expect(problemOf(claims({}, { [key]: value }))).toMatch(
        new RegExp(`^bad claim 'license.${key}`),
      );
    });

    it('refuses unknown fields in license', () => {
      expect(problemOf(claims({}, { seats: 5 }))).toMatch(/^bad claim 'license'/);
    });
  });

  describe('times', () => {
    it('refuses an iat more than a day in the future, saying to check the clocks', () => {
      const p = problemOf(claims({ iat: nowS + DAY_S + 1, exp: nowS + 400 * DAY_S }));
      expect(p).toMatch(/issued in the future/);
      expect(p).toMatch(/check the vendor's and this server's clocks/);
    });

    it('refuses an exp not later than iat', () => {
      expect(problemOf(claims({ iat: nowS, exp: nowS }))).toBe(
        "bad claim 'exp': it must be later than 'iat'",
      );
      expect(problemOf(claims({ iat: nowS + 10, exp: nowS + 5 }))).toMatch(/^bad claim 'exp'/);
    });

    it('refuses an nbf not earlier than exp', () => {
      const exp = nowS + 10 * DAY_S;
      expect(problemOf(claims({ exp, nbf: exp }))).toBe(
        "bad claim 'nbf': it must be earlier than 'exp'",
      );
      expect(problemOf(claims({ exp, nbf: exp + 1 }))).toMatch(/^bad claim 'nbf'/);
    });

    it('refuses an expired license, saying to ask for a renewal', () => {
      const p = problemOf(claims({ iat: nowS - 400 * DAY_S, exp: nowS - DAY_S }));
      expect(p).toBe('expired on 2025-12-31T00:00:00.000Z; ask the vendor for a renewal');
    });

    it('refuses a license that expires at this very second', () => {
      expect(problemOf(claims({ exp: nowS }))).toMatch(/^expired on/);
    });

    it('judges expiry by the clock it is given', () => {
      const raw = claims({ exp: nowS + DAY_S });
      expect(claimsProblem(raw, catalog, now + DAY_S * 1000)).toEqual({
        problem: expect.stringMatching(/^expired/),
      });
      expect(claimsProblem(raw, catalog, now + DAY_S * 1000 - 1000)).toEqual({ claims: raw });
    });
  });

  describe('catalog', () => {
    it('refuses an unknown edition and lists the known ones', () => {
      expect(problemOf(claims({}, { item: 'platinum' }))).toBe(
        "unknown edition 'platinum' (known: standard, enterprise-trial, enterprise-prepaid)",
      );
    });

    it('refuses a module id given as an edition', () => {
      expect(problemOf(claims({}, { type: 'base', item: 'vmware' }))).toMatch(
        /^unknown edition 'vmware'/,
      );
    });

    it('refuses an unknown module and lists the known ones', () => {
      const p = problemOf(claims({}, { type: 'plus', item: 'teleport' }));
      expect(p).toMatch(/^unknown module 'teleport' \(known: vmware, tenant-management, /);
      expect(problemOf(claims({}, { type: 'plus', item: 'standard' }))).toMatch(
        /^unknown module 'standard'/,
      );
    });

    it('refuses a Base quota metric that belongs to a module', () => {
      expect(problemOf(claims({}, { quota: { 'vmware-cpus': 4 } }))).toBe(
        "quota metric 'vmware-cpus' does not belong to a Base edition",
      );
    });

    it("refuses a Plus quota metric that belongs to the Base or another module", () => {
      expect(problemOf(claims({}, { type: 'plus', item: 'vmware', quota: { hosts: 4 } }))).toBe(
        "quota metric 'hosts' does not belong to module 'vmware'",
      );
      expect(
        problemOf(claims({}, { type: 'plus', item: 'arm64', quota: { 'vmware-cpus': 4 } })),
      ).toMatch(/does not belong to module 'arm64'/);
      expect(problemOf(claims({}, { type: 'plus', item: 'backup', quota: { hosts: 1 } }))).toMatch(
        /does not belong to module 'backup'/,
      );
    });

    it('refuses a quota metric the catalog does not know', () => {
      expect(problemOf(claims({}, { quota: { seats: 4 } }))).toMatch(
        /quota metric 'seats' does not belong/,
      );
    });

    it('checks against the catalog it is given', () => {
      const custom = compileCatalog({
        editions: [{ id: 'pro', title: 'Pro', metrics: ['seats'] }],
        modules: [],
      });
      expect(claimsProblem(claims({}, { item: 'pro', quota: { seats: 5 } }), custom, now)).toHaveProperty('claims');
      expect(claimsProblem(claims(), custom, now)).toEqual({
        problem: "unknown edition 'standard' (known: pro)",
      });
    });
  });

  describe('quota amounts', () => {
    it.each([0, -1, 1.5, '5', Number.MAX_SAFE_INTEGER + 1, Number.NaN, null])(
      'refuses %p',
      amount => {
        expect(problemOf(claims({}, { quota: { hosts: amount } }))).toMatch(
          /^bad claim 'license\.quota\.hosts'/,
        );
      },
    );

    it('accepts 1 and the largest safe integer', () => {
      expect(problemOf(claims({}, { quota: { hosts: 1 } }))).toBeUndefined();
      expect(problemOf(claims({}, { quota: { hosts: Number.MAX_SAFE_INTEGER } }))).toBeUndefined();
    });
  });
  describe('times within the range of a date', () => {
    const LAST = MAX_CLAIM_SECONDS; // 9999-12-31T23:59:59Z

    it('names 9999-12-31T23:59:59Z as the last second a claim may hold', () => {
      expect(new Date(LAST * 1000).toISOString()).toBe('9999-12-31T23:59:59.000Z');
    });

    it('accepts exp and nbf at the last second of 9999', () => {
      expect(problemOf(claims({ exp: LAST }))).toBeUndefined();
      expect(problemOf(claims({ exp: LAST, nbf: LAST - 1 }))).toBeUndefined();
    });

    it.each([
      ['exp', 9_000_000_000_000],
      ['exp', LAST + 1],
      ['exp', Number.MAX_SAFE_INTEGER],
      ['exp', 1e300],
      ['nbf', 9_000_000_000_000],
      ['iat', 9_000_000_000_000],
    ])('refuses %s = %p as a bad claim that names the limit', (key, value) => {
      const p = problemOf(claims({ [key]: value }));
      expect(p).toBe(
        `bad claim '${key}': it must be a time in seconds no later than 9999-12-31T23:59:59Z (253402300799)`,
      );
    });

    it('never hands out claims whose times are not dates', () => {
      for (const exp of [LAST, LAST + 1, 9_000_000_000_000]) {
        const r = claimsProblem(claims({ exp }), catalog, now);
        if ('claims' in r) {
          expect(Number.isNaN(new Date(r.claims.exp * 1000).getTime())).toBe(false);
        }
      }
    });
  });

  describe('vendor-signed text', () => {
    const UNSAFE = [
      ['NUL', '\u0000'],
      ['ESC (terminal escape)', '\u001b[31m'],
      ['newline', '\n'],
      ['carriage return', '\r'],
      ['DEL', '\u007f'],
      ['C1 control', '\u009b'],
      ['LEFT-TO-RIGHT MARK', '\u200e'],
      ['RIGHT-TO-LEFT MARK', '\u200f'],
      ['LEFT-TO-RIGHT EMBEDDING', '\u202a'],
      ['RIGHT-TO-LEFT OVERRIDE', '\u202e'],
      ['LEFT-TO-RIGHT ISOLATE', '\u2066'],
      ['POP DIRECTIONAL ISOLATE', '\u2069'],
    ];

    it.each(UNSAFE)('refuses %s in iss, sub or customer', (_name, c) => {
      const message = 'it holds a control character or a bidirectional mark';
      expect(problemOf(claims({ iss: `Vendor${c}Inc` }))).toMatch(new RegExp(`^bad claim 'iss': ${message}`));
      expect(problemOf(claims({ sub: `key${c}` }))).toMatch(new RegExp(`^bad claim 'sub': ${message}`));
      expect(problemOf(claims({}, { customer: `ACME ${c}Corp` }))).toMatch(
        new RegExp(`^bad claim 'license.customer': ${message}`),
      );
    });

    it.each(UNSAFE)('refuses %s in jti', (_name, c) => {
      expect(problemOf(claims({ jti: `lic${c}1` }))).toMatch(/^bad claim 'jti'/);
    });

    it('refuses unsafe text in an item or a quota metric, and quotes it escaped', () => {
      expect(problemOf(claims({}, { item: 'stan\u202edard' }))).toMatch(/^bad claim 'license.item'/);
      const p = problemOf(claims({}, { quota: { 'ho\u202ests': 1 } }))!;
      expect(p).toMatch(/^bad claim 'license.quota.ho\\u\{202E\}sts'/);
      expect(hasUnsafeText(p)).toBe(false);
    });

    it('quotes unknown keys escaped', () => {
      const p = problemOf(claims({}, { ['x\u001b[2J']: 1 }))!;
      expect(p).toMatch(/^bad claim 'license'/);
      expect(p).toContain('x\\u{1B}[2J');
      expect(hasUnsafeText(p)).toBe(false);
    });

    it('accepts text in any script, punctuation and emoji', () => {
      expect(
        problemOf(claims({ iss: 'Société Générale — 株式会社 😀', sub: 'key id: 1' }, { customer: 'مؤسسة ACME' })),
      ).toBeUndefined();
    });

    it('quotable escapes control, format and separator characters and cuts long text', () => {
      expect(quotable('a\u202eb\u0000c\u2028d😀')).toBe('a\\u{202E}b\\u{0}c\\u{2028}d😀');
      expect(quotable('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}…`);
      expect(quotable('\ud800')).toBe('\\u{D800}');
    });
  });
});
