/*
 * The portal writes request keys (createRequestKey, here) and the vendor reads
 * them (verifyRequestKey, in license-vendor): what one writes, the other
 * accepts. How verifyRequestKey refuses edited and forged files is tested in
 * license-vendor.
 */
import { generateKeyPairSync } from 'node:crypto';
import { verifyRequestKey } from '@backstage-licensing/license-vendor';
import {
  generateEd25519KeyPair,
  installationFingerprint,
  keyIdOf,
  RequestKeyError,
} from '@backstage-licensing/plugin-license-management-common/node';
import { createRequestKey } from './requestKey';
import { installation, splitToken } from './testUtils';

const CONTENT = {
  productVersion: '1.4.2',
  licenses: ['lic-0001', 'lic-0002'],
  createdAt: '2025-01-15T12:00:00.000Z',
  portal: 'https://backstage.example.com',
};

/** The signed line of a request key file. */
const jwsOf = (file: string) => file.split('\n').find(l => l && !l.startsWith('#'))!;

describe('createRequestKey and verifyRequestKey', () => {
  it('round-trips: the Key ID derives from the installation key, with fingerprint and license list', async () => {
    const file = await createRequestKey(CONTENT, installation);

    const content = await verifyRequestKey(file);

    expect(content).toEqual({
      ...CONTENT,
      keyId: keyIdOf(installation.publicKeyPem),
      fingerprint: installationFingerprint(installation.publicKeyPem),
    });
    expect(content.keyId).toMatch(/^[A-Z2-7]{5}(-[A-Z2-7]{5}){3}$/);
    expect(content.fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('round-trips an installation with no licenses and no portal URL', async () => {
    const file = await createRequestKey({ productVersion: '1.0.0', licenses: [], createdAt: CONTENT.createdAt }, installation);
    const content = await verifyRequestKey(file);
    expect(content.licenses).toEqual([]);
    expect(content).not.toHaveProperty('portal');
  });

  it('writes readable comment lines and exactly one signed line', async () => {
    const file = await createRequestKey(CONTENT, installation);
    const lines = file.split('\n');
    expect(lines).toContain(`# Key ID: ${keyIdOf(installation.publicKeyPem)}`);
    expect(lines).toContain('# Product version: 1.4.2');
    expect(lines).toContain('# Installed licenses: 2');
    expect(file).toContain('an edited copy is refused');
    expect(lines.filter(l => l && !l.startsWith('#'))).toHaveLength(1);
  });

  it('carries only the public installation key in the header, never the private part', async () => {
    const file = await createRequestKey(CONTENT, installation);
    const { headerJson } = splitToken(jwsOf(file));
    expect(headerJson).toEqual({
      alg: 'EdDSA',
      typ: 'license-request-key',
      jwk: { kty: 'OKP', crv: 'Ed25519', x: expect.any(String) },
    });
    expect(JSON.stringify(headerJson)).not.toContain('"d"');
  });

  it('gives different Key IDs and fingerprints to different installations', async () => {
    const other = generateEd25519KeyPair();
    const a = await verifyRequestKey(await createRequestKey(CONTENT, installation));
    const b = await verifyRequestKey(await createRequestKey(CONTENT, other));
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });

  it('accepts the file after a trip through Windows (CRLF) and extra blank lines', async () => {
    const file = await createRequestKey(CONTENT, installation);
    const content = await verifyRequestKey(`\r\n${file.replace(/\n/g, '\r\n')}\r\n\r\n`);
    expect(content.keyId).toBe(keyIdOf(installation.publicKeyPem));
  });

  it('trusts only the signed line, not the comments: an edited comment changes nothing', async () => {
    const file = await createRequestKey(CONTENT, installation);
    const edited = file.replace(/# Key ID: .*/, '# Key ID: AAAAA-AAAAA-AAAAA-AAAAA');
    expect((await verifyRequestKey(edited)).keyId).toBe(keyIdOf(installation.publicKeyPem));
  });

  it('refuses a private key that is not Ed25519', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await expect(
      createRequestKey(CONTENT, { privateKeyPem: privateKey, publicKeyPem: publicKey }),
    ).rejects.toThrow('Installation key is a ec key; licenses use Ed25519 keys');
  });
});

describe('createRequestKey', () => {
  it('refuses content that is not an object, with a RequestKeyError of kind invalid', async () => {
    const error = await createRequestKey(null as never, installation).catch(e => e);
    expect(error).toBeInstanceOf(RequestKeyError);
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('product version');
  });

  it('signs with the installation key: the fingerprint is its RFC 7638 thumbprint', async () => {
    const content = await verifyRequestKey(await createRequestKey(CONTENT, installation));
    expect(content.fingerprint).toBe(installationFingerprint(installation.publicKeyPem));
  });
});
