import fc from 'fast-check';
import { LicenseRejectedError, verifyLicenseToken } from './token';
import { FuzzStats, RUNS, TIMEOUT } from './fuzzSupport';
import { algNone, hs256WithPublicKey, sameBytesSpellings, withPart } from './testMutations';
import {
  b64url,
  claimsWithLicense,
  DAY_S,
  goodClaims,
  INSTALLATION_KEY_ID,
  NOW_S,
  signClaims,
  signRaw,
  stranger,
  vendor,
  VENDOR_KID,
  verifyOptions,
} from './testUtils';

/*
 * Properties of verifyLicenseToken over generated input: it never throws
 * anything but LicenseRejectedError, never accepts a token other than an
 * unmodified one the vendor signed, and answers each input within the bound.
 */

let valid: string[] = [];
let validSet: Set<string>;

beforeAll(async () => {
  valid = [
    await signClaims(goodClaims()),
    await signClaims(goodClaims({ jti: 'lic-0002', nbf: undefined })),
    await signClaims(claimsWithLicense({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 64 } }, { jti: 'lic-0003' })),
    await signClaims(claimsWithLicense({ type: 'plus', item: 'gpu', quota: undefined, customer: undefined }, { jti: 'lic-0004' })),
    signRaw({ alg: 'EdDSA', kid: VENDOR_KID }, goodClaims({ jti: 'lic-0005' })),
  ];
  validSet = new Set(valid);
  for (const token of valid) await expect(verifyLicenseToken(token, verifyOptions())).resolves.toBeDefined();
});

/** Verifies one input under the stats: a refusal, or an acceptance of a vendor-signed token. */
async function judge(stats: FuzzStats, token: string): Promise<void> {
  const outcome = await stats.time(() =>
    verifyLicenseToken(token, verifyOptions()).then(
      () => ({ accepted: true as const }),
      (error: unknown) => ({ accepted: false as const, error }),
    ),
  );
  if (outcome.accepted) {
    stats.accepted += 1;
    if (!validSet.has(token)) stats.forgeries += 1;
  } else if (outcome.error instanceof LicenseRejectedError) {
    stats.refused += 1;
  } else {
    stats.crashes += 1;
    throw outcome.error;
  }
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ODD = ['.', '=', '+', '/', ' ', '\n', '\u0000', 'é', '\u202e', '😀', '..'];

const anyToken = fc.integer({ min: 0, max: 4 }).map(i => () => valid[i]);
const part = fc.integer({ min: 0, max: 2 });
const bytes = fc.uint8Array({ maxLength: 200 });

/** Replaces the claims of a token (keeping its signature); leaves text that has none as it is. */
function withClaims(t: string, change: (claims: Record<string, unknown>) => unknown): string {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString());
  } catch {
    return t;
  }
  if (!claims || typeof claims !== 'object') return t;
  return withPart(t, 1, b64url(JSON.stringify(change(claims as Record<string, unknown>))));
}

/** Ways to alter a valid token; each gives the altered text. */
const mutation: fc.Arbitrary<(token: string) => string> = fc.oneof(
  // A character replaced by a base64url character or something odder.
  fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...B64URL), fc.constantFrom(...ODD))).map(
    ([at, c]) =>
      (t: string) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + c + t.slice(i + 1);
      },
  ),
  // One bit flipped in the decoded bytes of a part, re-encoded canonically.
  fc.tuple(part, fc.nat(), fc.integer({ min: 0, max: 7 })).map(([p, at, bit]) => (t: string) => {
    const decoded = Buffer.from(t.split('.')[p] ?? '', 'base64url');
    if (decoded.length === 0) return t;
    decoded[at % decoded.length] ^= 1 << bit;
    return withPart(t, p, decoded.toString('base64url'));
  }),
  // Another spelling of the same bytes.
  fc.tuple(part, fc.nat()).map(([p, n]) => (t: string) => {
    const spellings = sameBytesSpellings(t.split('.')[p] ?? '');
    return spellings.length ? withPart(t, p, spellings[n % spellings.length]) : t;
  }),
  // A part taken from another valid token (headers and claims swapped).
  fc.tuple(part, fc.integer({ min: 0, max: 4 })).map(([p, other]) => (t: string) => withPart(t, p, valid[other].split('.')[p])),
  // The header replaced: alg none, HS256 with the public key, another alg or kid.
  fc.constantFrom(
    (t: string) => algNone(t, VENDOR_KID),
    (t: string) => hs256WithPublicKey(t, VENDOR_KID, vendor.publicKeyPem),
    (t: string) => hs256WithPublicKey(t, VENDOR_KID, Buffer.from(vendor.publicKeyPem).toString('base64')),
    (t: string) => withPart(t, 0, b64url(JSON.stringify({ alg: 'EdDSA', kid: 'other-vendor' }))),
    (t: string) => withPart(t, 0, b64url(JSON.stringify({ alg: 'EdDSA', kid: VENDOR_KID, crit: ['b64'], b64: false }))),
    (t: string) => withPart(t, 0, b64url(JSON.stringify({ alg: 'ES256', kid: VENDOR_KID }))),
    (t: string) => withPart(t, 0, b64url(JSON.stringify({ alg: 'EdDSA', kid: VENDOR_KID, jwk: { kty: 'OKP', crv: 'Ed25519' } }))),
  ),
  // The same claims with other bytes (a space), or a claim changed, under the old signature.
  fc.constantFrom(
    (t: string) => withPart(t, 1, b64url(` ${Buffer.from(t.split('.')[1] ?? '', 'base64url').toString()}`)),
    (t: string) => withClaims(t, c => ({ ...c, exp: Number(c.exp) + 1 })),
    (t: string) =>
      withClaims(t, c => ({
        ...c,
        sub: INSTALLATION_KEY_ID,
        license: { ...(c.license as object), type: 'base', item: 'enterprise-prepaid' },
      })),
  ),
  // Random bytes as a part.
  fc.tuple(part, bytes).map(([p, b]) => (t: string) => withPart(t, p, Buffer.from(b).toString('base64url'))),
  // Cut short, or something added.
  fc.nat().map(n => (t: string) => t.slice(0, n % (t.length + 1))),
  fc.string({ maxLength: 8 }).map(s => (t: string) => t + s),
  fc.string({ maxLength: 8 }).map(s => (t: string) => s + t),
);

describe('verifyLicenseToken under fuzzing', () => {
  it(
    'refuses random text with LicenseRejectedError only',
    async () => {
      const stats = new FuzzStats('token: random text');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ maxLength: 300, unit: 'binary' }),
            fc.string({ maxLength: 300, unit: fc.constantFrom(...B64URL, '.') }),
            fc.tuple(bytes, bytes, bytes).map(parts => parts.map(p => Buffer.from(p).toString('base64url')).join('.')),
            fc.tuple(fc.jsonValue(), fc.jsonValue(), bytes).map(
              ([h, c, s]) => `${b64url(JSON.stringify(h) ?? '')}.${b64url(JSON.stringify(c) ?? '')}.${b64url(s)}`,
            ),
            fc.jsonValue().map(c => signRaw({ alg: 'EdDSA', kid: VENDOR_KID }, c ?? null, stranger.privateKeyPem)),
          ),
          async token => judge(stats, token),
        ),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );

  it(
    'accepts no altered token: only the unmodified vendor-signed ones verify',
    async () => {
      const stats = new FuzzStats('token: mutated valid tokens');
      await fc.assert(
        fc.asyncProperty(anyToken, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (pick, changes) => {
          const token = changes.reduce((t, change) => change(t), pick());
          await judge(stats, token);
        }),
        { numRuns: RUNS },
      );
      stats.finish();
      expect(stats.refused).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'verifies vendor-signed claims of any shape only when every claim holds',
    async () => {
      const stats = new FuzzStats('token: signed random claims');
      const value = fc.oneof(
        fc.integer({ min: NOW_S - 400 * DAY_S, max: NOW_S + 400 * DAY_S }),
        fc.integer({ min: -1, max: 300_000_000_000 }),
        fc.double(),
        fc.constantFrom(253_402_300_799, 253_402_300_800, 9_000_000_000_000, Number.MAX_SAFE_INTEGER),
        fc.string({ maxLength: 20, unit: 'binary' }),
        fc.constantFrom('ACME \u202e', 'line\nbreak', 'tab\t', 'Société', 'lic-9'),
      );
      // Most claims keep their good value; one or two are changed.
      const claim = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: value, weight: 1 });
      await fc.assert(
        fc.asyncProperty(
          fc.record({ iat: claim, nbf: claim, exp: claim, iss: claim, customer: claim, jti: claim }),
          async r => {
            const base = goodClaims();
            const claims = JSON.parse(
              JSON.stringify({
                ...base,
                iat: r.iat ?? base.iat,
                nbf: r.nbf ?? base.nbf,
                exp: r.exp ?? base.exp,
                iss: r.iss ?? base.iss,
                jti: r.jti ?? base.jti,
                license: { ...base.license, customer: r.customer ?? base.license.customer },
              }),
            );
            const token = await signClaims(claims);
            const outcome = await stats.time(() =>
              verifyLicenseToken(token, verifyOptions()).then(
                verified => ({ verified }),
                (error: unknown) => ({ error }),
              ),
            );
            if ('error' in outcome) {
              if (!(outcome.error instanceof LicenseRejectedError)) {
                stats.crashes += 1;
                throw outcome.error;
              }
              stats.refused += 1;
              return;
            }
            stats.accepted += 1;
            const { license } = outcome.verified;
            for (const t of [license.issuedAt, license.expiresAt, license.notBefore ?? 0]) {
              expect(Number.isNaN(new Date(t).getTime())).toBe(false);
            }
            expect(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(`${license.issuer}${license.customer ?? ''}${license.id}`)).toBe(false);
          },
        ),
        { numRuns: RUNS },
      );
      stats.finish();
    },
    TIMEOUT,
  );
});
