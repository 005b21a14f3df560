/*
 * Shared fixtures for the vendor tests: key pairs, claims, and request keys
 * made the way a portal makes them (the portal's own writer, createRequestKey,
 * is in -node, which this package does not depend on; the two are tested
 * together in -node and in test/). Not exported from the package.
 */
import { createPublicKey } from 'node:crypto';
import { CompactSign, exportJWK } from 'jose';
import type { LicenseClaims } from '@backstage-licensing/plugin-license-management-common';
import {
  generateEd25519KeyPair,
  installationFingerprint,
  keyIdOf,
  readEd25519PrivateKey,
  REQUEST_KEY_TYP,
  type RequestKeyContent,
} from '@backstage-licensing/plugin-license-management-common/node';

export const VENDOR_KID = 'vendor-2025';
/** The vendor key pair that signs licenses. */
export const vendor = generateEd25519KeyPair();
/** The installation key pair a portal keeps. */
export const installation = generateEd25519KeyPair();
/** An unrelated Ed25519 key pair (an attacker's). */
export const stranger = generateEd25519KeyPair();

const NOW_S = Date.UTC(2025, 0, 15, 12) / 1000;

/** Good Base claims bound to the installation, valid for a year. */
export function goodClaims(): LicenseClaims {
  return {
    jti: 'lic-0001',
    iss: 'Example Vendor',
    sub: keyIdOf(installation.publicKeyPem),
    iat: NOW_S,
    exp: NOW_S + 365 * 86_400,
    license: { type: 'base', item: 'standard', method: 'request-key', quota: { hosts: 10 }, customer: 'ACME Corp' },
  };
}

export const CONTENT = {
  productVersion: '1.4.2',
  licenses: ['lic-0001', 'lic-0002'],
  createdAt: '2025-01-15T12:00:00.000Z',
  portal: 'https://backstage.example.com',
};

/** The content a genuine request key of `keys` carries. */
export function genuineContent(keys: { publicKeyPem: string } = installation): RequestKeyContent {
  return { ...CONTENT, keyId: keyIdOf(keys.publicKeyPem), fingerprint: installationFingerprint(keys.publicKeyPem) };
}

/** Signs a request key payload by hand: any key, any header key, any content. Answers the signed line. */
export async function craftRequestKey(
  payload: unknown,
  options: { signWith?: string; headerKeyOf?: string; header?: Record<string, unknown> } = {},
): Promise<string> {
  const signWith = options.signWith ?? installation.privateKeyPem;
  const jwk = await exportJWK(createPublicKey(options.headerKeyOf ?? signWith));
  return new CompactSign(new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload)))
    .setProtectedHeader({
      alg: 'EdDSA',
      typ: REQUEST_KEY_TYP,
      jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
      ...options.header,
    } as { alg: string })
    .sign(readEd25519PrivateKey(signWith));
}

/** A genuine request key file, as a portal writes it: comment lines and the signed line. */
export async function portalRequestKey(keys = installation): Promise<string> {
  const content = genuineContent(keys);
  const jws = await craftRequestKey(content, { signWith: keys.privateKeyPem });
  return [`# License Management request key`, `# Key ID: ${content.keyId}`, jws, ''].join('\n');
}

/** The signed line of a request key file. */
export const jwsOf = (file: string) => file.split('\n').find(l => l && !l.startsWith('#'))!;

export const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

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
