import { createPublicKey } from 'node:crypto';
import {
  calculateJwkThumbprint,
  CompactSign,
  compactVerify,
  decodeProtectedHeader,
  exportJWK,
  importJWK,
  type JWK,
} from 'jose';
import { keyIdOf, readEd25519PrivateKey } from './keys';

const TYP = 'license-request-key';
const AS_DOWNLOADED = 'Use the request key file exactly as downloaded from the portal.';

/** What a request key tells the vendor. */
export interface RequestKeyContent {
  keyId: string;
  productVersion: string;
  /** RFC 7638 thumbprint of the installation public key. */
  fingerprint: string;
  /** Ids of the licenses installed when the request key was made. */
  licenses: string[];
  /** ISO-8601. */
  createdAt: string;
  /** Where the portal runs, for the vendor's reference. */
  portal?: string;
}

/** A request key that cannot be trusted; the message says why. */
export class RequestKeyError extends Error {
  name = 'RequestKeyError';
}

/** The installation's identity: its Ed25519 key pair, as PEM. */
export interface InstallationKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** RFC 7638 thumbprint of an installation public key. */
export async function installationFingerprint(publicKeyPem: string): Promise<string> {
  const jwk = await exportJWK(createPublicKey(publicKeyPem));
  return calculateJwkThumbprint(jwk, 'sha256');
}

/**
 * Writes the request key file: a few readable comment lines and one JWS
 * signed with the installation key, which carries the public key so the
 * vendor can verify it, and whose Key ID is derived from that key.
 */
export async function createRequestKey(
  content: Omit<RequestKeyContent, 'fingerprint' | 'keyId'>,
  keys: InstallationKeys,
): Promise<string> {
  const privateKey = readEd25519PrivateKey(keys.privateKeyPem, 'Installation key');
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new RequestKeyError(`The request key holds no request key content. ${AS_DOWNLOADED}`);
  }
  const publicKey = createPublicKey(privateKey);
  const jwk = await exportJWK(publicKey);
  const payload: RequestKeyContent = {
    ...content,
    keyId: keyIdOf(publicKey),
    fingerprint: await calculateJwkThumbprint(jwk, 'sha256'),
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', typ: TYP, jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } })
    .sign(privateKey);
  return [
    '# License Management request key',
    `# Key ID: ${payload.keyId}`,
    `# Product version: ${payload.productVersion}`,
    `# Created: ${payload.createdAt}`,
    `# Installed licenses: ${payload.licenses.length}`,
    '# Send this file to your vendor to obtain a license. It is signed: an edited copy is refused.',
    jws,
    '',
  ].join('\n');
}

/** Reads and verifies a request key file; throws RequestKeyError. */
export async function verifyRequestKey(text: string): Promise<RequestKeyContent> {
  const parts = text
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#'));
  if (parts.length !== 1) {
    throw new RequestKeyError(
      `Not a request key file: expected one signed line besides the # comments. ${AS_DOWNLOADED}`,
    );
  }
  const jws = parts[0];
  let jwk: JWK | undefined;
  try {
    const header = decodeProtectedHeader(jws);
    if (header.typ !== TYP || header.alg !== 'EdDSA') throw new Error();
    jwk = header.jwk as JWK | undefined;
  } catch {
    throw new RequestKeyError(`Not a request key file: its signed line is not a request key. ${AS_DOWNLOADED}`);
  }
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new RequestKeyError(`The request key carries no Ed25519 installation key. ${AS_DOWNLOADED}`);
  }
  let payload: Uint8Array;
  try {
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'EdDSA');
    ({ payload } = await compactVerify(jws, key, { algorithms: ['EdDSA'] }));
  } catch {
    throw new RequestKeyError('The request key signature does not verify: the file was edited or damaged. Download it again.');
  }
  let content: unknown;
  try {
    content = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    content = undefined;
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new RequestKeyError(`The request key holds no request key content. ${AS_DOWNLOADED}`);
  }
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  const claimed = content as Partial<Record<keyof RequestKeyContent, unknown>>;
  if (claimed.keyId !== keyIdOf(publicKey)) {
    throw new RequestKeyError(
      `The request key names a Key ID that does not belong to its installation key. ${AS_DOWNLOADED}`,
    );
  }
  const fingerprint = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'sha256');
  if (claimed.fingerprint !== fingerprint) {
    throw new RequestKeyError(`The request key fingerprint does not match its installation key. ${AS_DOWNLOADED}`);
  }
  if (
    typeof claimed.productVersion !== 'string' ||
    typeof claimed.createdAt !== 'string' ||
    !Array.isArray(claimed.licenses) ||
    !claimed.licenses.every(id => typeof id === 'string') ||
    (claimed.portal !== undefined && typeof claimed.portal !== 'string')
  ) {
    throw new RequestKeyError(
      `The request key lacks the product version, its creation time or the license list. ${AS_DOWNLOADED}`,
    );
  }
  return content as RequestKeyContent;
}
