import { createPublicKey } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import {
  installationFingerprint,
  keyIdOf,
  REQUEST_KEY_TYP,
  RequestKeyError,
  type RequestKeyContent,
} from '@backstage-licensing/plugin-license-management-common/node';

const AS_DOWNLOADED = 'Use the request key file exactly as downloaded from the portal.';

/**
 * Reads and verifies a request key file as a portal wrote it: one signed
 * line besides the `#` comments, signed by the installation key it carries,
 * whose Key ID and fingerprint it must name. Throws RequestKeyError.
 */
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
    if (header.typ !== REQUEST_KEY_TYP || header.alg !== 'EdDSA') throw new Error();
    jwk = header.jwk as JWK | undefined;
  } catch {
    throw new RequestKeyError(`Not a request key file: its signed line is not a request key. ${AS_DOWNLOADED}`);
  }
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new RequestKeyError(`The request key carries no Ed25519 installation key. ${AS_DOWNLOADED}`);
  }
  const publicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  let payload: Uint8Array;
  try {
    const key = await importJWK(publicJwk, 'EdDSA');
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
  const publicKey = createPublicKey({ key: publicJwk, format: 'jwk' });
  const claimed = content as Partial<Record<keyof RequestKeyContent, unknown>>;
  if (claimed.keyId !== keyIdOf(publicKey)) {
    throw new RequestKeyError(
      `The request key names a Key ID that does not belong to its installation key. ${AS_DOWNLOADED}`,
    );
  }
  if (claimed.fingerprint !== installationFingerprint(publicKey)) {
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
