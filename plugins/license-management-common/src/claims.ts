import { z } from 'zod';
import type { LicenseCatalog } from './catalog';
import { MAX_CLAIM_SECONDS } from './limits';
import { LICENSE_TYPES, TOKEN_METHODS } from './lists';
import { slotOf } from './slots';

/**
 * Control characters (Unicode category Cc) and bidirectional marks, embeddings,
 * overrides and isolates: text that could disguise itself in a terminal, a
 * log or the records (PRODUCT.md §2.1).
 */
const UNSAFE_TEXT = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const UNSAFE_TEXT_MESSAGE =
  'it holds a control character or a bidirectional mark (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)';

/** Whether `text` holds a character that vendor-signed text may not hold. */
export function hasUnsafeText(text: string): boolean {
  return UNSAFE_TEXT.test(text);
}

/**
 * Text from outside (a token, a file, a header) made safe to quote in a
 * message: control, format, lone surrogate and line-separator characters become `\u{…}`
 * escapes, and text longer than `max` characters is cut short with "…".
 */
export function quotable(text: string, max = 64): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return short.replace(
    /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu,
    c => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`,
  );
}

const text = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine(s => !UNSAFE_TEXT.test(s), UNSAFE_TEXT_MESSAGE);
/** Letters, digits and a little punctuation: no control or bidirectional characters either. */
const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'use letters, digits, ".", "_", ":" or "-"');
const seconds = z
  .number()
  .int()
  .nonnegative()
  .max(MAX_CLAIM_SECONDS, `it must be a time in seconds no later than 9999-12-31T23:59:59Z (${MAX_CLAIM_SECONDS})`);

/** The claims of a license token (PRODUCT.md §2.1), as JSON. */
export const licenseClaimsSchema = z
  .object({
    jti: id,
    iss: text(1, 256),
    sub: text(1, 256),
    iat: seconds,
    nbf: seconds.optional(),
    exp: seconds,
    license: z
      .object({
        type: z.enum(LICENSE_TYPES),
        item: text(1, 64),
        method: z.enum(TOKEN_METHODS),
        quota: z
          .record(text(1, 128), z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
          .optional(),
        customer: text(0, 256).optional(),
      })
      .strict(),
  })
  .passthrough();

export type LicenseClaims = z.infer<typeof licenseClaimsSchema>;

const DAY_SECONDS = 86_400;

/**
 * Checks the claims of a token against the catalog and the clock. Returns a
 * reason a person can act on, or undefined when the claims are good. `now` is
 * in milliseconds.
 */
export function claimsProblem(
  raw: unknown,
  catalog: LicenseCatalog,
  now: number,
): { problem: string } | { claims: LicenseClaims } {
  const parsed = licenseClaimsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || 'claims';
    return { problem: quotable(`bad claim '${where}': ${issue.message}`, 512) };
  }
  const claims = parsed.data;
  const { license } = claims;
  const nowSeconds = Math.floor(now / 1000);
  if (claims.iat > nowSeconds + DAY_SECONDS) {
    return {
      problem: `issued in the future (iat ${iso(claims.iat)}); check the vendor's and this server's clocks`,
    };
  }
  if (claims.exp <= claims.iat) {
    return { problem: `bad claim 'exp': it must be later than 'iat'` };
  }
  if (claims.nbf !== undefined && claims.nbf >= claims.exp) {
    return { problem: `bad claim 'nbf': it must be earlier than 'exp'` };
  }
  if (claims.exp <= nowSeconds) {
    return { problem: `expired on ${iso(claims.exp)}; ask the vendor for a renewal` };
  }
  if (!catalog.item(license.type, license.item)) {
    const known = license.type === 'base' ? catalog.editionIds : catalog.moduleIds;
    return {
      problem: `unknown ${license.type === 'base' ? 'edition' : 'module'} '${license.item}' (known: ${known.join(', ')})`,
    };
  }
  for (const metric of Object.keys(license.quota ?? {})) {
    const slot = catalog.slotOfMetric(metric);
    const expected = slotOf(license);
    if (slot !== expected) {
      return {
        problem: `quota metric '${metric}' does not belong to ${license.type === 'base' ? 'a Base edition' : `module '${license.item}'`}`,
      };
    }
  }
  return { claims };
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
