import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { compactVerify } from 'jose';
import { signLicenseToken } from './sign';
import { goodClaims, splitToken, stranger, vendor, VENDOR_KID } from './testUtils';

describe('signLicenseToken', () => {
  it('signs the claims as given, with alg EdDSA, the kid and typ license+jwt', async () => {
    const token = await signLicenseToken(goodClaims(), { kid: VENDOR_KID, privateKeyPem: vendor.privateKeyPem });
    const parts = splitToken(token);
    expect(parts.headerJson).toEqual({ alg: 'EdDSA', kid: VENDOR_KID, typ: 'license+jwt' });
    expect(parts.payloadJson).toEqual(goodClaims());
  });

  it('writes a token that verifies with the vendor public key, and only with it', async () => {
    const token = await signLicenseToken(goodClaims(), { kid: VENDOR_KID, privateKeyPem: vendor.privateKeyPem });
    await expect(compactVerify(token, createPublicKey(vendor.publicKeyPem))).resolves.toBeTruthy();
    await expect(compactVerify(token, createPublicKey(stranger.publicKeyPem))).rejects.toThrow();
  });

  it('refuses a signer key that is not Ed25519 and names the kid', async () => {
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await expect(signLicenseToken(goodClaims(), { kid: 'k', privateKeyPem: privateKey })).rejects.toThrow(
      "Vendor key 'k' is a ec key; licenses use Ed25519 keys",
    );
  });

  it('refuses a public key given as the signer key, naming the kid and the expected format', async () => {
    await expect(signLicenseToken(goodClaims(), { kid: 'k', privateKeyPem: vendor.publicKeyPem })).rejects.toThrow(
      "Vendor key 'k' is not a PEM private key (expected '-----BEGIN PRIVATE KEY-----', PKCS#8)",
    );
  });
});
