import { z } from 'zod';
import type { LicenseCatalog } from './catalog';

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'use letters, digits, ".", "_", ":" or "-"');
const seconds = z.number().int().nonnegative().finite();

/** The claims of a license token (PRODUCT.md §2.1), as JSON. */
export const licenseClaimsSchema = z
  .object({
    jti: id,
    iss: z.string().min(1).max(256),
    sub: z.string().min(1).max(256),
    iat: seconds,
    nbf: seconds.optional(),
    exp: seconds,
    license: z
      .object({
        type: z.enum(['base', 'plus']),
        item: z.string().min(1).max(64),
        method: z.enum(['request-key', 'usb-key']),
        quota: z.record(z.string(), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).optional(),
        customer: z.string().max(256).optional(),
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
    return { problem: `bad claim '${where}': ${issue.message}` };
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
    const expected = license.type === 'base' ? 'base' : license.item;
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
