/*
 * Shared fixtures for the domain unit tests: a vendor key pair, an
 * installation key pair, good default claims and helpers that sign (or
 * hand-craft) license tokens. Not exported from the package.
 */
import { sign } from 'node:crypto';
import { CompactSign } from 'jose';
import {
  compileCatalog,
  type LicenseClaims,
} from '@backstage-licensing/plugin-license-management-common';
import {
  generateEd25519KeyPair,
  keyIdOf,
  readEd25519PrivateKey,
} from '@backstage-licensing/plugin-license-management-common/node';
import { createVendorKeyring, type VerifyLicenseOptions } from './token';

/** The test clock: 2025-01-15T12:00:00Z, in ms. */
export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
/** The test clock in seconds. */
export const NOW_S = NOW / 1000;
export const DAY_S = 86_400;

export const VENDOR_KID = 'vendor-2025';
/** The vendor key pair that signs licenses. */
export const vendor = generateEd25519KeyPair();
/** An unrelated Ed25519 key pair (an attacker's, or another vendor's). */
export const stranger = generateEd25519KeyPair();
/** The installation key pair; its Key ID binds request-key licenses. */
export const installation = generateEd25519KeyPair();
export const INSTALLATION_KEY_ID = keyIdOf(installation.publicKeyPem);
export const USB_KEY_ID = keyIdOf(generateEd25519KeyPair().publicKeyPem);

export const catalog = compileCatalog();
export const vendorKeys = createVendorKeyring([{ kid: VENDOR_KID, publicKey: vendor.publicKeyPem }]);

/** Options of verifyLicenseToken for this installation at NOW. */
export function verifyOptions(overrides: Partial<VerifyLicenseOptions> = {}): VerifyLicenseOptions {
  return {
    vendorKeys,
    catalog,
    installationKeyId: INSTALLATION_KEY_ID,
    usbKeyIds: [],
    now: NOW,
    ...overrides,
  };
}

/** Good Base claims bound to the installation, valid for a year. */
export function goodClaims(overrides: Partial<LicenseClaims> = {}): LicenseClaims {
  return {
    jti: 'lic-0001',
    iss: 'Example Vendor',
    sub: INSTALLATION_KEY_ID,
    iat: NOW_S - DAY_S,
    nbf: NOW_S - DAY_S,
    exp: NOW_S + 365 * DAY_S,
    license: {
      type: 'base',
      item: 'standard',
      method: 'request-key',
      quota: { hosts: 10 },
      customer: 'ACME Corp',
    },
    ...overrides,
  };
}

/** Good claims with some fields of `license` replaced. */
export function claimsWithLicense(
  license: Partial<LicenseClaims['license']>,
  overrides: Partial<LicenseClaims> = {},
): LicenseClaims {
  const base = goodClaims(overrides);
  return { ...base, license: { ...base.license, ...license } };
}

export const b64url = (data: string | Uint8Array) => Buffer.from(data).toString('base64url');
export const b64json = (value: unknown) => b64url(JSON.stringify(value));

/**
 * Signs any payload (claims object, or a raw string taken as the exact
 * payload bytes) with EdDSA. Defaults: the vendor key and kid.
 */
export async function signClaims(
  payload: unknown,
  options: { kid?: string | null; privateKeyPem?: string; header?: Record<string, unknown> } = {},
): Promise<string> {
  const key = readEd25519PrivateKey(options.privateKeyPem ?? vendor.privateKeyPem);
  const kid = options.kid === undefined ? VENDOR_KID : options.kid;
  const bytes = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return new CompactSign(new TextEncoder().encode(bytes))
    .setProtectedHeader({
      alg: 'EdDSA',
      typ: 'license+jwt',
      ...(kid === null ? {} : { kid }),
      ...options.header,
    } as { alg: string })
    .sign(key);
}

/**
 * Hand-crafts an Ed25519 JWS with node crypto, for headers jose refuses to
 * write (unknown crit extensions and the like).
 */
export function signRaw(
  header: Record<string, unknown>,
  payload: unknown,
  privateKeyPem = vendor.privateKeyPem,
): string {
  const signingInput = `${b64json(header)}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const signature = sign(null, Buffer.from(signingInput), readEd25519PrivateKey(privateKeyPem));
  return `${signingInput}.${b64url(signature)}`;
}

/** The three parts of a compact JWS, decoded where that makes sense. */
export function splitToken(token: string) {
  const [header, payload, signature] = token.split('.');
  return {
    header,
    payload,
    signature,
    headerJson: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payloadJson: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
  };
}

/** Changes one base64url character in the middle of a part (so the decoded bytes change). */
export function flipChar(part: string, index = Math.floor(part.length / 2)): string {
  const c = part[index];
  return part.slice(0, index) + (c === 'A' ? 'B' : 'A') + part.slice(index + 1);
}
