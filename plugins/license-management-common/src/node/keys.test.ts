import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  generateEd25519KeyPair,
  installationFingerprint,
  keyIdOf,
  readEd25519PrivateKey,
  readEd25519PublicKey,
} from './keys';

/** An installation key pair and an unrelated one. */
const installation = generateEd25519KeyPair();
const stranger = generateEd25519KeyPair();

const KEY_ID = /^[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}$/;

/** RFC 4648 base32 of the first 100 bits of SHA-256(SPKI DER), written independently. */
function expectedKeyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest();
  const bits = [...digest].map(b => b.toString(2).padStart(8, '0')).join('');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  for (let i = 0; i < 20; i++) out += alphabet[parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
  return out.match(/.{5}/g)!.join('-');
}

const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const ec = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

describe('keyIdOf', () => {
  it('has the form XXXXX-XXXXX-XXXXX-XXXXX in base32 (A-Z, 2-7)', () => {
    expect(keyIdOf(installation.publicKeyPem)).toMatch(KEY_ID);
  });

  it('is the base32 of the first 100 bits of SHA-256 of the SPKI key', () => {
    for (const { publicKeyPem } of [installation, stranger, generateEd25519KeyPair()]) {
      expect(keyIdOf(publicKeyPem)).toBe(expectedKeyId(publicKeyPem));
    }
  });

  it('is stable for a key: the same from PEM, from a KeyObject, across calls', () => {
    const fromPem = keyIdOf(installation.publicKeyPem);
    expect(keyIdOf(installation.publicKeyPem)).toBe(fromPem);
    expect(keyIdOf(createPublicKey(installation.publicKeyPem))).toBe(fromPem);
    expect(keyIdOf(createPublicKey(installation.privateKeyPem))).toBe(fromPem);
  });

  it('does not depend on how the PEM is laid out (CRLF, surrounding blank lines)', () => {
    const fromPem = keyIdOf(installation.publicKeyPem);
    expect(keyIdOf(installation.publicKeyPem.replace(/\n/g, '\r\n'))).toBe(fromPem);
    expect(keyIdOf(`\n\n${installation.publicKeyPem}\n\n`)).toBe(fromPem);
  });

  it('differs between keys', () => {
    const ids = new Set(Array.from({ length: 50 }, () => keyIdOf(generateEd25519KeyPair().publicKeyPem)));
    ids.add(keyIdOf(installation.publicKeyPem));
    ids.add(keyIdOf(stranger.publicKeyPem));
    expect(ids.size).toBe(52);
    for (const id of ids) expect(id).toMatch(KEY_ID);
  });

  it('refuses a key that is not Ed25519 and says licenses use Ed25519', () => {
    expect(() => keyIdOf(rsa.publicKey)).toThrow('public key is a rsa key; licenses use Ed25519 keys');
    expect(() => keyIdOf(ec.publicKey)).toThrow('public key is a ec key; licenses use Ed25519 keys');
  });

  it('refuses text that is not a PEM public key and says what is expected', () => {
    expect(() => keyIdOf('AAAAA-BBBBB-CCCCC-DDDDD')).toThrow(
      "public key is not a PEM public key (expected '-----BEGIN PUBLIC KEY-----', SPKI)",
    );
  });
});

describe('generateEd25519KeyPair', () => {
  it('returns a PKCS#8 private key and its SPKI public key, as PEM', () => {
    const { privateKeyPem, publicKeyPem } = generateEd25519KeyPair();
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const message = Buffer.from('license');
    const signature = sign(null, message, readEd25519PrivateKey(privateKeyPem));
    expect(verify(null, message, readEd25519PublicKey(publicKeyPem), signature)).toBe(true);
  });

  it('returns a new key pair each time', () => {
    expect(generateEd25519KeyPair().publicKeyPem).not.toBe(generateEd25519KeyPair().publicKeyPem);
  });
});

describe('readEd25519PublicKey', () => {
  it('reads an Ed25519 SPKI PEM', () => {
    const key = readEd25519PublicKey(installation.publicKeyPem);
    expect(key.type).toBe('public');
    expect(key.asymmetricKeyType).toBe('ed25519');
  });

  it('names what was being read in its errors', () => {
    expect(() => readEd25519PublicKey('nope', "'vendor.pub'")).toThrow(
      "'vendor.pub' is not a PEM public key (expected '-----BEGIN PUBLIC KEY-----', SPKI)",
    );
    expect(() => readEd25519PublicKey(rsa.publicKey, "'vendor.pub'")).toThrow(
      "'vendor.pub' is a rsa key; licenses use Ed25519 keys",
    );
  });
});

describe('readEd25519PrivateKey', () => {
  it('reads an Ed25519 PKCS#8 PEM', () => {
    const key = readEd25519PrivateKey(installation.privateKeyPem);
    expect(key.type).toBe('private');
    expect(key.asymmetricKeyType).toBe('ed25519');
  });

  it('refuses a public key and says a PKCS#8 private key is expected', () => {
    expect(() => readEd25519PrivateKey(installation.publicKeyPem, "'vendor.key'")).toThrow(
      "'vendor.key' is not a PEM private key (expected '-----BEGIN PRIVATE KEY-----', PKCS#8)",
    );
  });

  it('refuses a private key that is not Ed25519', () => {
    expect(() => readEd25519PrivateKey(rsa.privateKey)).toThrow('private key is a rsa key; licenses use Ed25519 keys');
    expect(() => readEd25519PrivateKey(ec.privateKey)).toThrow('private key is a ec key; licenses use Ed25519 keys');
  });

  it('refuses garbage', () => {
    expect(() => readEd25519PrivateKey('')).toThrow('private key is not a PEM private key');
  });
});

describe('installationFingerprint', () => {
  it('is the RFC 7638 thumbprint of the key (the example of RFC 8037, appendix A.3)', () => {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
      format: 'jwk',
    });
    expect(installationFingerprint(key)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    const pem = key.export({ type: 'spki', format: 'pem' }) as string;
    expect(installationFingerprint(pem)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('differs between installations', () => {
    expect(installationFingerprint(installation.publicKeyPem)).not.toBe(installationFingerprint(stranger.publicKeyPem));
  });
});
