import type { KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import {
  claimsProblem,
  LICENSE_FILE_LIMITS,
  quotable,
  type InstalledLicense,
  type LicenseCatalog,
  type LicenseClaims,
} from '@backstage-licensing/plugin-license-management-common';
import {
  isCompactJws,
  readEd25519PublicKey,
} from '@backstage-licensing/plugin-license-management-common/node';

/** A vendor public key that signs licenses, as configured. */
export interface VendorKeyConfig {
  kid: string;
  publicKey: string;
}

/** Vendor public keys by `kid`. */
export type VendorKeyring = ReadonlyMap<string, KeyObject>;

/** Builds a keyring; throws an Error naming the bad entry. */
export function createVendorKeyring(keys: readonly VendorKeyConfig[]): VendorKeyring {
  const ring = new Map<string, KeyObject>();
  for (const { kid, publicKey } of keys) {
    if (!kid || typeof kid !== 'string') {
      throw new Error('Every vendor key needs a non-empty kid');
    }
    if (ring.has(kid)) throw new Error(`Vendor key '${kid}' is configured twice`);
    ring.set(kid, readEd25519PublicKey(publicKey, `Vendor key '${kid}'`));
  }
  return ring;
}

/** A token was refused; `reason` says why in words a person can act on. */
export class LicenseRejectedError extends Error {
  name = 'LicenseRejectedError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface VerifyLicenseOptions {
  vendorKeys: VendorKeyring;
  catalog: LicenseCatalog;
  /** This installation's Key ID: request-key licenses must be bound to it. */
  installationKeyId: string;
  /** Key IDs of the USB keys present now. */
  usbKeyIds?: readonly string[];
  /** The clock, in ms. */
  now: number;
}

export interface VerifiedLicense {
  token: string;
  claims: LicenseClaims;
  license: Omit<InstalledLicense, 'uploadedAt' | 'uploadSeq'>;
}

const PARTS = ['header', 'payload', 'signature'] as const;

/**
 * The first part of a compact JWS that is not canonical base64url: text that
 * differs from the encoding of the bytes it decodes to (unused low bits set in
 * the last character, or a length no encoding has). Such a token is another
 * spelling of some canonical one, so the same license could arrive as
 * different bytes.
 */
function nonCanonicalPart(token: string): (typeof PARTS)[number] | undefined {
  const parts = token.split('.');
  for (let i = 0; i < PARTS.length; i++) {
    if (Buffer.from(parts[i], 'base64url').toString('base64url') !== parts[i]) return PARTS[i];
  }
  return undefined;
}

/**
 * Verifies a license token: EdDSA only, a configured vendor key, a good
 * signature, every claim of the contract, and the binding of `sub` to this
 * installation's Key ID or a present USB key. Throws LicenseRejectedError.
 */
export async function verifyLicenseToken(
  token: string,
  options: VerifyLicenseOptions,
): Promise<VerifiedLicense> {
  if (token.length > LICENSE_FILE_LIMITS.maxTokenLength) {
    throw new LicenseRejectedError(
      `not a license token: it is ${token.length} characters long, and a license token has at most ${LICENSE_FILE_LIMITS.maxTokenLength}; upload the file exactly as received from the vendor`,
    );
  }
  if (!isCompactJws(token)) {
    throw new LicenseRejectedError(
      'not a license token: expected a JWS in compact serialization (three base64url parts separated by dots)',
    );
  }
  const part = nonCanonicalPart(token);
  if (part) {
    throw new LicenseRejectedError(
      `not a license token: its ${part} is not canonical base64url (the text is not the encoding of the bytes it stands for, so it was altered); upload the file exactly as received, or ask the vendor to reissue it`,
    );
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new LicenseRejectedError('not a license token: its header is not base64url-encoded JSON');
  }
  if (header.alg !== 'EdDSA') {
    throw new LicenseRejectedError(
      `algorithm '${quotable(String(header.alg))}' is not accepted; licenses must be signed with EdDSA (Ed25519)`,
    );
  }
  if (typeof header.kid !== 'string' || !header.kid) {
    throw new LicenseRejectedError(
      "the token header has no 'kid' naming the vendor key; ask the vendor for a license signed with one of its keys",
    );
  }
  const key = options.vendorKeys.get(header.kid);
  if (!key) {
    throw new LicenseRejectedError(
      `signed with unknown vendor key '${quotable(header.kid)}'; add its public key to licenseManagement.vendorKeys or ask the vendor for a license signed with a trusted key`,
    );
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key, { algorithms: ['EdDSA'] }));
  } catch {
    throw new LicenseRejectedError(
      'the signature does not verify: the token was altered or was not signed by this vendor key; upload the file exactly as received, or ask the vendor to reissue it',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new LicenseRejectedError('the token payload is not JSON; ask the vendor to reissue the license');
  }
  const checked = claimsProblem(raw, options.catalog, options.now);
  if ('problem' in checked) {
    throw new LicenseRejectedError(
      checked.problem.startsWith('bad claim')
        ? `${checked.problem}; ask the vendor for a corrected license`
        : checked.problem,
    );
  }
  const { claims } = checked;
  const { license } = claims;
  if (license.method === 'request-key' && claims.sub !== options.installationKeyId) {
    throw new LicenseRejectedError(
      `bound to Key ID '${claims.sub}', but this installation's Key ID is '${options.installationKeyId}'; ask the vendor for a license issued for this Key ID`,
    );
  }
  if (license.method === 'usb-key' && !(options.usbKeyIds ?? []).includes(claims.sub)) {
    throw new LicenseRejectedError(
      `bound to USB key '${claims.sub}', which is not plugged in; insert that USB key and retry`,
    );
  }
  return {
    token,
    claims,
    license: {
      id: claims.jti,
      type: license.type,
      item: license.item,
      method: license.method,
      keyId: claims.sub,
      issuer: claims.iss,
      ...(license.customer !== undefined ? { customer: license.customer } : {}),
      quota: license.quota ?? {},
      issuedAt: claims.iat * 1000,
      ...(claims.nbf !== undefined ? { notBefore: claims.nbf * 1000 } : {}),
      expiresAt: claims.exp * 1000,
    },
  };
}
