import { createPublicKey } from 'node:crypto';
import { CompactSign, exportJWK } from 'jose';
import {
  installationFingerprint,
  keyIdOf,
  readEd25519PrivateKey,
  REQUEST_KEY_TYP,
  RequestKeyError,
  type RequestKeyContent,
} from '@backstage-licensing/plugin-license-management-common/node';

/** The installation's identity: its Ed25519 key pair, as PEM. */
export interface InstallationKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

/**
 * Writes the request key file: a few readable comment lines and one JWS
 * signed with the installation key, which carries the public key so the
 * vendor can verify it (`verifyRequestKey` of `license-vendor`), and whose
 * Key ID is derived from that key.
 */
export async function createRequestKey(
  content: Omit<RequestKeyContent, 'fingerprint' | 'keyId'>,
  keys: InstallationKeys,
): Promise<string> {
  const privateKey = readEd25519PrivateKey(keys.privateKeyPem, 'Installation key');
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new RequestKeyError(
      'The request key content must be an object with the product version, its creation time and the license list.',
    );
  }
  const publicKey = createPublicKey(privateKey);
  const jwk = await exportJWK(publicKey);
  const payload: RequestKeyContent = {
    ...content,
    keyId: keyIdOf(publicKey),
    fingerprint: installationFingerprint(publicKey),
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', typ: REQUEST_KEY_TYP, jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } })
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
