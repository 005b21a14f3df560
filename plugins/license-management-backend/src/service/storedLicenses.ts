import { isDeepStrictEqual } from 'node:util';
import type {
  LicenseCatalog,
  TamperedLicense,
} from '@backstage-licensing/plugin-license-management-common';
import {
  LicenseRejectedError,
  verifyLicenseToken,
  type VendorKeyring,
  type VerifiedLicense,
} from '@backstage-licensing/plugin-license-management-node';
import type { StoredLicense } from '../database/LicenseStore';

export interface StoredLicenseContext {
  vendorKeys: VendorKeyring;
  catalog: LicenseCatalog;
  /** This installation's Key ID, derived from its key. */
  installationKeyId: string;
}

/** A stored row that is not trusted: as stored, with the reason. */
export interface TamperedRow extends TamperedLicense {
  row: StoredLicense;
}

export interface TrustedLicenses {
  /** Licenses whose every deciding field comes from their verified token. */
  licenses: StoredLicense[];
  tampered: TamperedRow[];
}

/**
 * Tokens verified by this process, by token text: a signature over the same
 * bytes with the same keys verifies the same way, so a replica sync or the
 * reload after an upload verifies only tokens it has not seen. Start and
 * `POST /reload` verify every token (`fresh`). Only the tokens of the last
 * load are kept.
 */
export class VerifiedTokens {
  private known = new Map<string, VerifiedLicense>();

  get(token: string): VerifiedLicense | undefined {
    return this.known.get(token);
  }

  /** Remembers tokens just verified elsewhere (an upload). */
  add(verified: readonly VerifiedLicense[]): void {
    for (const v of verified) this.known.set(v.token, v);
  }

  replace(next: Map<string, VerifiedLicense>): void {
    this.known = next;
  }

  clear(): void {
    this.known.clear();
  }

  get size(): number {
    return this.known.size;
  }
}

/**
 * Verifies stored licenses again (PRODUCT.md §2.1, "Stored licenses stay
 * signed"): each token's signature with the configured vendor keys, its
 * claims, and its binding to this installation's Key ID; then every column
 * that decides anything must equal what the token says. A row that fails is
 * not trusted (`tampered`); a trusted license takes every deciding field from
 * the token, and only its upload order, time and uploader from the row.
 */
export async function verifyStoredLicenses(
  rows: readonly StoredLicense[],
  ctx: StoredLicenseContext,
  cache: VerifiedTokens,
  options: { fresh: boolean },
): Promise<TrustedLicenses> {
  if (options.fresh) cache.clear();
  const licenses: StoredLicense[] = [];
  const tampered: TamperedRow[] = [];
  const seen = new Map<string, VerifiedLicense>();
  for (const row of rows) {
    let verified = cache.get(row.token) ?? seen.get(row.token);
    if (!verified) {
      try {
        verified = await verifyStoredToken(row.token, ctx);
      } catch (e) {
        if (!(e instanceof LicenseRejectedError)) throw e;
        tampered.push({ id: row.id, reason: `its token does not verify: ${e.reason}`, row });
        continue;
      }
    }
    seen.set(row.token, verified);
    const mismatch = columnMismatch(row, verified);
    if (mismatch) {
      tampered.push({ id: row.id, reason: mismatch, row });
      continue;
    }
    licenses.push({
      ...verified.license,
      token: row.token,
      uploadedAt: row.uploadedAt,
      uploadedBy: row.uploadedBy,
      uploadSeq: row.uploadSeq,
    });
  }
  cache.replace(seen);
  return { licenses, tampered };
}

/**
 * Verifies a stored token as it was judged at upload: signature, claims and
 * binding; not its expiry, nor the `iat` limit, which depend on the clock
 * (an expired stored license is expired, not tampered). USB-key licenses are
 * bound to a key whose presence is a matter of the USB key status, not of
 * tampering.
 */
async function verifyStoredToken(token: string, ctx: StoredLicenseContext): Promise<VerifiedLicense> {
  const payload = unverifiedPayload(token);
  const issuedAt = typeof payload?.iat === 'number' && Number.isFinite(payload.iat) ? payload.iat * 1000 : Date.now();
  const sub = typeof payload?.sub === 'string' ? payload.sub : undefined;
  return verifyLicenseToken(token, {
    vendorKeys: ctx.vendorKeys,
    catalog: ctx.catalog,
    installationKeyId: ctx.installationKeyId,
    usbKeyIds: payload?.license?.method === 'usb-key' && sub ? [sub] : [],
    // Claims as at issue: after `iat`, before `exp` (a token with exp <= iat is a bad claim).
    now: issuedAt,
  });
}

/** The payload as JSON, unverified: only to learn the instant and key to verify against. */
function unverifiedPayload(token: string): any {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const COLUMNS: Array<[keyof VerifiedLicense['license'], string]> = [
  ['id', 'id'],
  ['type', 'type'],
  ['item', 'item'],
  ['method', 'method'],
  ['keyId', 'key_id'],
  ['issuer', 'issuer'],
  ['customer', 'customer'],
  ['quota', 'quota'],
  ['issuedAt', 'issued_at'],
  ['notBefore', 'not_before'],
  ['expiresAt', 'expires_at'],
];

/** The first column that disagrees with the token, in words; undefined when all agree. */
function columnMismatch(row: StoredLicense, verified: VerifiedLicense): string | undefined {
  for (const [field, column] of COLUMNS) {
    const stored = row[field];
    const signed = verified.license[field];
    if (!isDeepStrictEqual(stored ?? null, signed ?? null)) {
      const time = column.endsWith('_at') || column === 'not_before';
      return `its column '${column}' says ${show(stored, time)} but its signed token says ${show(signed, time)}`;
    }
  }
  return undefined;
}

function show(value: unknown, time: boolean): string {
  if (value === undefined || value === null) return 'nothing';
  if (time && typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15) {
    return new Date(value).toISOString();
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || 'nothing';
  }
  const text = String(value);
  return `'${text.length > 64 ? `${text.slice(0, 64)}…` : text}'`;
}
