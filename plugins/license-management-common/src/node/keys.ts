import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
} from 'node:crypto';

export interface KeyPairPem {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

/** A new Ed25519 key pair, as PEM. */
export function generateEd25519KeyPair(): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Reads an Ed25519 public key from SPKI PEM; throws an Error that says what is wrong. */
export function readEd25519PublicKey(pem: string, what = 'public key'): KeyObject {
  if (typeof pem === 'string' && /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    // createPublicKey would quietly derive the public key from it, leaving a
    // signing key where only a public key belongs.
    throw new Error(
      `${what} is a private key; configure its public key (SPKI PEM, '-----BEGIN PUBLIC KEY-----') and keep the private key with the vendor`,
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: dedent(pem), format: 'pem' });
  } catch {
    throw new Error(`${what} is not a PEM public key (expected '-----BEGIN PUBLIC KEY-----', SPKI)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${what} is a ${key.asymmetricKeyType} key; licenses use Ed25519 keys`);
  }
  return key;
}

/** PEM pasted into YAML often arrives indented: trim every line. */
function dedent(pem: string): string {
  return typeof pem === 'string'
    ? pem
        .split(/\r?\n/)
        .map(l => l.trim())
        .filter(Boolean)
        .join('\n')
    : pem;
}

/** Reads an Ed25519 private key from PKCS#8 PEM; throws an Error that says what is wrong. */
export function readEd25519PrivateKey(pem: string, what = 'private key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: dedent(pem), format: 'pem' });
  } catch {
    throw new Error(`${what} is not a PEM private key (expected '-----BEGIN PRIVATE KEY-----', PKCS#8)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${what} is a ${key.asymmetricKeyType} key; licenses use Ed25519 keys`);
  }
  return key;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The Key ID of an installation: derived from its public key, so that a
 * request key cannot claim another installation's Key ID without that
 * installation's private key. Twenty base32 characters in four groups.
 */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? readEd25519PublicKey(publicKey) : publicKey;
  const digest = createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 20) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 20) break;
  }
  return out.match(/.{5}/g)!.join('-');
}

/**
 * The installation fingerprint a request key carries: the RFC 7638 JWK
 * thumbprint (SHA-256, base64url) of an Ed25519 public key.
 */
export function installationFingerprint(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? readEd25519PublicKey(publicKey) : publicKey;
  const { crv, kty, x } = key.export({ format: 'jwk' });
  // RFC 7638: the required members only, in lexicographic order, no whitespace.
  return createHash('sha256').update(JSON.stringify({ crv, kty, x })).digest('base64url');
}
