import { createHmac, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { signLicenseToken } from '@backstage-licensing/license-vendor';
import {
  createVendorKeyring,
  LicenseRejectedError,
  verifyLicenseToken,
} from './token';
import {
  b64json,
  b64url,
  claimsWithLicense,
  DAY_S,
  flipChar,
  goodClaims,
  INSTALLATION_KEY_ID,
  NOW,
  NOW_S,
  signClaims,
  signRaw,
  splitToken,
  stranger,
  USB_KEY_ID,
  vendor,
  VENDOR_KID,
  verifyOptions,
} from './testUtils';
import { algNone, hs256WithPublicKey, sameBytesSpellings, withPart } from './testMutations';

/** Verifies and returns the rejection; fails the test if the token passes. */
async function rejection(token: string, options = verifyOptions()): Promise<LicenseRejectedError> {
  try {
    await verifyLicenseToken(token, options);
  } catch (e) {
    expect(e).toBeInstanceOf(LicenseRejectedError);
    const error = e as LicenseRejectedError;
    expect(error.reason).toBe(error.message);
    return error;
  }
  throw new Error('expected the token to be rejected, but it was accepted');
}

describe('verifyLicenseToken', () => {
  describe('a good token', () => {
    it('passes and maps the claims to the license (times in ms, quota, customer)', async () => {
      const claims = goodClaims();
      const token = await signClaims(claims);

      const verified = await verifyLicenseToken(token, verifyOptions());

      expect(verified.token).toBe(token);
      expect(verified.claims).toEqual(claims);
      expect(verified.license).toEqual({
        id: 'lic-0001',
        type: 'base',
        item: 'standard',
        method: 'request-key',
        keyId: INSTALLATION_KEY_ID,
        issuer: 'Example Vendor',
        customer: 'ACME Corp',
        quota: { hosts: 10 },
        issuedAt: (NOW_S - DAY_S) * 1000,
        notBefore: (NOW_S - DAY_S) * 1000,
        expiresAt: (NOW_S + 365 * DAY_S) * 1000,
      });
    });

    it('maps a license without quota, customer or nbf to an empty quota and no optional fields', async () => {
      const { nbf: _nbf, ...claims } = goodClaims();
      const token = await signClaims({ ...claims, license: { type: 'base', item: 'standard', method: 'request-key' } });

      const { license } = await verifyLicenseToken(token, verifyOptions());

      expect(license.quota).toEqual({});
      expect(license).not.toHaveProperty('customer');
      expect(license).not.toHaveProperty('notBefore');
    });

    it('accepts a Plus module license with a quota metric of that module', async () => {
      const token = await signClaims(
        claimsWithLicense({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 64 } }),
      );
      const { license } = await verifyLicenseToken(token, verifyOptions());
      expect(license).toMatchObject({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 64 } });
    });

    it('accepts a token made by signLicenseToken (EdDSA, kid in the header)', async () => {
      const token = await signLicenseToken(goodClaims(), { kid: VENDOR_KID, privateKeyPem: vendor.privateKeyPem });
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: VENDOR_KID });
      await expect(verifyLicenseToken(token, verifyOptions())).resolves.toMatchObject({
        license: { id: 'lic-0001' },
      });
    });

    it('accepts a license that is not yet valid (nbf in the future): that is a state, not a rejection', async () => {
      const token = await signClaims(goodClaims({ nbf: NOW_S + 10 * DAY_S }));
      const { license } = await verifyLicenseToken(token, verifyOptions());
      expect(license.notBefore).toBe((NOW_S + 10 * DAY_S) * 1000);
    });
  });

  describe('the algorithm', () => {
    it("rejects an unsigned token (alg 'none', empty signature) and says EdDSA is required", async () => {
      const token = `${b64json({ alg: 'none', kid: VENDOR_KID })}.${b64json(goodClaims())}.`;
      const { reason } = await rejection(token);
      expect(reason).toContain("algorithm 'none' is not accepted");
      expect(reason).toContain('must be signed with EdDSA (Ed25519)');
    });

    it("rejects alg 'none' even when a real vendor signature is appended", async () => {
      const good = splitToken(await signClaims(goodClaims()));
      const token = `${b64json({ alg: 'none', kid: VENDOR_KID })}.${good.payload}.${good.signature}`;
      expect((await rejection(token)).reason).toContain("algorithm 'none' is not accepted");
    });

    it('rejects HS256 keyed with the vendor public key PEM (key confusion) and says EdDSA is required', async () => {
      const header = b64json({ alg: 'HS256', kid: VENDOR_KID, typ: 'license+jwt' });
      const payload = b64json(goodClaims({ license: { type: 'base', item: 'enterprise-prepaid', method: 'request-key', quota: { hosts: 100_000 } } }));
      const signature = createHmac('sha256', vendor.publicKeyPem).update(`${header}.${payload}`).digest('base64url');
      const token = `${header}.${payload}.${signature}`;

      const { reason } = await rejection(token);

      expect(reason).toContain("algorithm 'HS256' is not accepted");
      expect(reason).toContain('EdDSA (Ed25519)');
    });

    it.each(['RS256', 'ES256', 'PS256', 'HS512', 'EdDSA '])(
      "rejects a token whose header claims alg '%s'",
      async alg => {
        const good = splitToken(await signClaims(goodClaims()));
        const token = `${b64json({ alg, kid: VENDOR_KID })}.${good.payload}.${good.signature}`;
        const { reason } = await rejection(token);
        expect(reason).toContain(`algorithm '${alg}' is not accepted`);
        expect(reason).toContain('must be signed with EdDSA');
      },
    );

    it('rejects a token with no alg in the header', async () => {
      const good = splitToken(await signClaims(goodClaims()));
      const token = `${b64json({ kid: VENDOR_KID })}.${good.payload}.${good.signature}`;
      expect((await rejection(token)).reason).toContain("algorithm 'undefined' is not accepted");
    });
  });

  describe('the vendor key', () => {
    it('rejects an unknown kid and says where to configure vendor keys', async () => {
      const token = await signClaims(goodClaims(), { kid: 'someone-else' });
      const { reason } = await rejection(token);
      expect(reason).toContain("unknown vendor key 'someone-else'");
      expect(reason).toContain('licenseManagement.vendorKeys');
      expect(reason).toContain('ask the vendor');
    });

    it('rejects a token with no kid and says to ask the vendor', async () => {
      const token = await signClaims(goodClaims(), { kid: null });
      const { reason } = await rejection(token);
      expect(reason).toContain("no 'kid'");
      expect(reason).toContain('ask the vendor');
    });

    it.each([
      ['an empty kid', ''],
      ['a numeric kid', 42],
      ['an object kid', { id: VENDOR_KID }],
    ])('rejects a token with %s', async (_what, kid) => {
      const token = await signClaims(goodClaims(), { header: { kid } });
      expect((await rejection(token)).reason).toContain("no 'kid'");
    });

    it('does not find a vendor key through an inherited property name used as kid', async () => {
      const token = await signClaims(goodClaims(), { kid: 'constructor' });
      expect((await rejection(token)).reason).toContain("unknown vendor key 'constructor'");
    });

    it('rejects a token signed by another Ed25519 key that claims the vendor kid', async () => {
      const token = await signClaims(goodClaims(), { privateKeyPem: stranger.privateKeyPem });
      const { reason } = await rejection(token);
      expect(reason).toContain('the signature does not verify');
      expect(reason).toContain('not signed by this vendor key');
      expect(reason).toContain('ask the vendor');
    });

    it('accepts a token signed by any configured vendor key (key rotation)', async () => {
      const vendorKeys = createVendorKeyring([
        { kid: VENDOR_KID, publicKey: vendor.publicKeyPem },
        { kid: 'vendor-next', publicKey: stranger.publicKeyPem },
      ]);
      const token = await signClaims(goodClaims(), { kid: 'vendor-next', privateKeyPem: stranger.privateKeyPem });
      await expect(verifyLicenseToken(token, verifyOptions({ vendorKeys }))).resolves.toBeDefined();
    });
  });

  describe('tampering', () => {
    it('rejects a changed claim under the original signature and says the token was altered', async () => {
      const good = splitToken(await signClaims(goodClaims()));
      const edited = { ...good.payloadJson, license: { ...good.payloadJson.license, quota: { hosts: 100_000 } } };
      const token = `${good.header}.${b64json(edited)}.${good.signature}`;

      const { reason } = await rejection(token);

      expect(reason).toContain('the signature does not verify');
      expect(reason).toContain('altered');
      expect(reason).toContain('ask the vendor');
    });

    it('rejects a prolonged expiry under the original signature', async () => {
      const good = splitToken(await signClaims(goodClaims()));
      const token = `${good.header}.${b64json({ ...good.payloadJson, exp: good.payloadJson.exp + 365 * DAY_S })}.${good.signature}`;
      expect((await rejection(token)).reason).toContain('the signature does not verify');
    });

    it('rejects a changed header (another kid of the same key ring) under the original signature', async () => {
      const vendorKeys = createVendorKeyring([
        { kid: VENDOR_KID, publicKey: vendor.publicKeyPem },
        { kid: 'alias', publicKey: vendor.publicKeyPem },
      ]);
      const good = splitToken(await signClaims(goodClaims()));
      const token = `${b64json({ ...good.headerJson, kid: 'alias' })}.${good.payload}.${good.signature}`;
      expect((await rejection(token, verifyOptions({ vendorKeys }))).reason).toContain('the signature does not verify');
    });

    it('rejects a tampered signature', async () => {
      const good = splitToken(await signClaims(goodClaims()));
      const token = `${good.header}.${good.payload}.${flipChar(good.signature)}`;
      expect((await rejection(token)).reason).toContain('the signature does not verify');
    });

    it('rejects a truncated signature', async () => {
      const good = splitToken(await signClaims(goodClaims()));
      const token = `${good.header}.${good.payload}.${good.signature.slice(0, 40)}`;
      expect((await rejection(token)).reason).toContain('the signature does not verify');
    });

    it('rejects an EdDSA token with an empty signature', async () => {
      const good = splitToken(await signClaims(goodClaims()));
      expect((await rejection(`${good.header}.${good.payload}.`)).reason).toContain('the signature does not verify');
    });

    it('rejects the signature of another license pasted onto this payload', async () => {
      const other = splitToken(await signClaims(goodClaims({ jti: 'lic-0002' })));
      const mine = splitToken(await signClaims(goodClaims()));
      const token = `${mine.header}.${mine.payload}.${other.signature}`;
      expect((await rejection(token)).reason).toContain('the signature does not verify');
    });
  });

  describe('the binding (sub)', () => {
    it("rejects a request-key license for another Key ID and names both Key IDs", async () => {
      const token = await signClaims(goodClaims({ sub: 'AAAAA-BBBBB-CCCCC-DDDDD' }));
      const { reason } = await rejection(token);
      expect(reason).toContain("'AAAAA-BBBBB-CCCCC-DDDDD'");
      expect(reason).toContain(`'${INSTALLATION_KEY_ID}'`);
      expect(reason).toContain('ask the vendor for a license issued for this Key ID');
    });

    it('rejects a request-key license bound to a present USB key: the method decides the binding', async () => {
      const token = await signClaims(goodClaims({ sub: USB_KEY_ID }));
      const { reason } = await rejection(token, verifyOptions({ usbKeyIds: [USB_KEY_ID] }));
      expect(reason).toContain(`bound to Key ID '${USB_KEY_ID}'`);
    });

    it('rejects a usb-key license whose USB key is not plugged in and says to insert it', async () => {
      const token = await signClaims(claimsWithLicense({ method: 'usb-key' }, { sub: USB_KEY_ID }));
      const { reason } = await rejection(token, verifyOptions({ usbKeyIds: ['OTHER-USB-KEY'] }));
      expect(reason).toContain(`USB key '${USB_KEY_ID}'`);
      expect(reason).toContain('not plugged in');
      expect(reason).toContain('insert that USB key and retry');
    });

    it('rejects a usb-key license when no USB key list is given', async () => {
      const token = await signClaims(claimsWithLicense({ method: 'usb-key' }, { sub: USB_KEY_ID }));
      const { reason } = await rejection(token, verifyOptions({ usbKeyIds: undefined }));
      expect(reason).toContain('insert that USB key');
    });

    it("rejects a usb-key license bound to the installation's Key ID when no such USB key is present", async () => {
      const token = await signClaims(claimsWithLicense({ method: 'usb-key' }));
      expect((await rejection(token)).reason).toContain('not plugged in');
    });

    it('accepts a usb-key license whose USB key is present', async () => {
      const token = await signClaims(claimsWithLicense({ method: 'usb-key' }, { sub: USB_KEY_ID }));
      const { license } = await verifyLicenseToken(
        token,
        verifyOptions({ usbKeyIds: ['OTHER-USB-KEY', USB_KEY_ID] }),
      );
      expect(license).toMatchObject({ method: 'usb-key', keyId: USB_KEY_ID });
    });
  });

  describe('the clock', () => {
    it('rejects an expired license and says to ask for a renewal', async () => {
      const token = await signClaims(goodClaims({ iat: NOW_S - 30 * DAY_S, nbf: undefined, exp: NOW_S - 1 }));
      const { reason } = await rejection(token);
      expect(reason).toContain(`expired on ${new Date((NOW_S - 1) * 1000).toISOString()}`);
      expect(reason).toContain('ask the vendor for a renewal');
    });

    it('rejects a license that expires exactly now', async () => {
      const token = await signClaims(goodClaims({ iat: NOW_S - DAY_S, nbf: undefined, exp: NOW_S }));
      expect((await rejection(token)).reason).toContain('expired');
    });

    it('accepts a license that expires one second from now', async () => {
      const token = await signClaims(goodClaims({ iat: NOW_S - DAY_S, nbf: undefined, exp: NOW_S + 1 }));
      await expect(verifyLicenseToken(token, verifyOptions())).resolves.toBeDefined();
    });

    it('rejects iat more than a day in the future and says to check the clocks', async () => {
      const iat = NOW_S + DAY_S + 1;
      const token = await signClaims(goodClaims({ iat, nbf: undefined, exp: iat + 365 * DAY_S }));
      const { reason } = await rejection(token);
      expect(reason).toContain('issued in the future');
      expect(reason).toContain(new Date(iat * 1000).toISOString());
      expect(reason).toContain('check the vendor');
      expect(reason).toContain('clocks');
    });

    it('accepts iat just under a day in the future (clock skew)', async () => {
      const iat = NOW_S + DAY_S - 1;
      const token = await signClaims(goodClaims({ iat, nbf: undefined, exp: iat + 365 * DAY_S }));
      const { license } = await verifyLicenseToken(token, verifyOptions());
      expect(license.issuedAt).toBe(iat * 1000);
    });

    it('uses the given clock, not the system clock', async () => {
      const token = await signClaims(goodClaims());
      const later = (goodClaims().exp + 1) * 1000;
      expect((await rejection(token, verifyOptions({ now: later }))).reason).toContain('expired');
      await expect(verifyLicenseToken(token, verifyOptions({ now: NOW }))).resolves.toBeDefined();
    });
  });

  describe('the claims', () => {
    it('rejects a license without exp and names the claim', async () => {
      const { exp: _exp, ...claims } = goodClaims();
      const { reason } = await rejection(await signClaims(claims));
      expect(reason).toContain("bad claim 'exp'");
    });

    it.each(['jti', 'iss', 'sub', 'iat', 'license'] as const)(
      'rejects a license without %s and names the claim',
      async claim => {
        const claims: Record<string, unknown> = { ...goodClaims() };
        delete claims[claim];
        expect((await rejection(await signClaims(claims))).reason).toContain(`bad claim '${claim}'`);
      },
    );

    it('rejects a non-integer or negative time and names the claim', async () => {
      expect((await rejection(await signClaims(goodClaims({ exp: NOW_S + 0.5 })))).reason).toContain(
        "bad claim 'exp'",
      );
      expect((await rejection(await signClaims({ ...goodClaims(), iat: -1 }))).reason).toContain("bad claim 'iat'");
      expect((await rejection(await signClaims({ ...goodClaims(), exp: String(NOW_S + DAY_S) }))).reason).toContain(
        "bad claim 'exp'",
      );
    });

    it('rejects exp not later than iat', async () => {
      const token = await signClaims(goodClaims({ iat: NOW_S + 100, nbf: undefined, exp: NOW_S + 100 }));
      expect((await rejection(token)).reason).toContain("bad claim 'exp': it must be later than 'iat'");
    });

    it('rejects nbf not earlier than exp', async () => {
      const token = await signClaims(goodClaims({ nbf: NOW_S + 400 * DAY_S }));
      expect((await rejection(token)).reason).toContain("bad claim 'nbf'");
    });

    it('rejects an unknown edition and lists the known ones', async () => {
      const token = await signClaims(claimsWithLicense({ item: 'platinum' }));
      const { reason } = await rejection(token);
      expect(reason).toContain("unknown edition 'platinum'");
      expect(reason).toContain('known: standard, enterprise-trial, enterprise-prepaid');
    });

    it('rejects an unknown module and lists the known ones', async () => {
      const token = await signClaims(claimsWithLicense({ type: 'plus', item: 'teleportation', quota: undefined }));
      const { reason } = await rejection(token);
      expect(reason).toContain("unknown module 'teleportation'");
      expect(reason).toContain('vmware');
    });

    it('rejects an edition id used as a Plus module (type and item must agree)', async () => {
      const token = await signClaims(claimsWithLicense({ type: 'plus', item: 'standard', quota: undefined }));
      expect((await rejection(token)).reason).toContain("unknown module 'standard'");
    });

    it('rejects a Base license carrying the quota metric of a module', async () => {
      const token = await signClaims(claimsWithLicense({ quota: { 'vmware-cpus': 8 } }));
      const { reason } = await rejection(token);
      expect(reason).toContain("quota metric 'vmware-cpus' does not belong to a Base edition");
    });

    it('rejects a Plus license carrying the quota metric of another item', async () => {
      const token = await signClaims(claimsWithLicense({ type: 'plus', item: 'vmware', quota: { hosts: 8 } }));
      expect((await rejection(token)).reason).toContain("quota metric 'hosts' does not belong to module 'vmware'");
    });

    it('rejects an unknown quota metric', async () => {
      const token = await signClaims(claimsWithLicense({ quota: { bogus: 8 } }));
      expect((await rejection(token)).reason).toContain("quota metric 'bogus'");
    });

    it.each([
      ['zero', 0],
      ['negative', -5],
      ['fractional', 1.5],
      ['string', '10'],
    ])('rejects a %s quota and names the claim', async (_what, value) => {
      const token = await signClaims(claimsWithLicense({ quota: { hosts: value as number } }));
      expect((await rejection(token)).reason).toContain("bad claim 'license.quota.hosts'");
    });

    it('rejects an unknown license type or method and names the claim', async () => {
      const type = await signClaims(claimsWithLicense({ type: 'gold' as 'base' }));
      expect((await rejection(type)).reason).toContain("bad claim 'license.type'");
      const method = await signClaims(claimsWithLicense({ method: 'dongle' as 'usb-key' }));
      expect((await rejection(method)).reason).toContain("bad claim 'license.method'");
    });

    it('rejects an unexpected field inside license (e.g. a smuggled "features" list)', async () => {
      const claims = goodClaims();
      const token = await signClaims({ ...claims, license: { ...claims.license, features: ['gpu'] } });
      expect((await rejection(token)).reason).toContain("bad claim 'license'");
    });

    it('rejects a jti that is not a plain id', async () => {
      const token = await signClaims(goodClaims({ jti: '../../etc/passwd' }));
      expect((await rejection(token)).reason).toContain("bad claim 'jti'");
    });

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['a number', '42'],
      ['a string', '"license"'],
    ])('rejects a signed payload that is %s', async (_what, payload) => {
      expect((await rejection(await signClaims(payload))).reason).toContain('bad claim');
    });

    it('rejects a signed payload that is not JSON and says to ask the vendor', async () => {
      const { reason } = await rejection(await signClaims('this is not json'));
      expect(reason).toContain('the token payload is not JSON');
      expect(reason).toContain('ask the vendor');
    });
  });

  describe('canonical encoding', () => {
    const PART_NAMES = ['header', 'payload', 'signature'];

    it('finds other spellings of the same signature bytes (the attack this guards against)', async () => {
      const token = await signClaims(goodClaims());
      const { signature } = splitToken(token);
      const spellings = sameBytesSpellings(signature);
      expect(spellings.length).toBeGreaterThan(0);
      for (const s of spellings) expect(Buffer.from(s, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    });

    it.each([0, 1, 2])('rejects every other spelling of part %i, naming the part, and still accepts the original', async index => {
      // A payload of 1 mod 3 bytes leaves unused bits in the last character of every part.
      let token = '';
      for (let pad = 0; !token || token.split('.').some(p => p.length % 4 === 0); pad++) {
        token = await signClaims({ ...goodClaims(), note: 'x'.repeat(pad) }, { header: { n: 'y'.repeat(pad % 3) } });
      }
      const part = token.split('.')[index];
      const spellings = sameBytesSpellings(part);
      expect(spellings.length).toBeGreaterThan(0);
      for (const spelling of spellings) {
        const { reason } = await rejection(withPart(token, index, spelling));
        expect(reason).toBe(
          `not a license token: its ${PART_NAMES[index]} is not canonical base64url (the text is not the encoding of the bytes it stands for, so it was altered); upload the file exactly as received, or ask the vendor to reissue it`,
        );
      }
      await expect(verifyLicenseToken(token, verifyOptions())).resolves.toMatchObject({ token });
    });

    it('rejects a part whose length no encoding has (1 mod 4)', async () => {
      const token = await signClaims(goodClaims());
      const { signature } = splitToken(token);
      const longer = signature + 'A'.repeat((5 - (signature.length % 4)) % 4 || 4);
      expect(longer.length % 4).toBe(1);
      const { reason } = await rejection(withPart(token, 2, longer));
      expect(reason).toContain('its signature is not canonical base64url');
    });
  });

  describe('forgeries', () => {
    it('rejects alg none carrying a good payload', async () => {
      const token = algNone(await signClaims(goodClaims()), VENDOR_KID);
      expect((await rejection(token)).reason).toContain("algorithm 'none' is not accepted");
    });

    it('rejects HS256 signed with the vendor public key as the secret', async () => {
      const token = hs256WithPublicKey(await signClaims(goodClaims()), VENDOR_KID, vendor.publicKeyPem);
      expect((await rejection(token)).reason).toContain("algorithm 'HS256' is not accepted");
    });

    it('quotes a hostile kid or alg escaped and cut short', async () => {
      const kid = `\u001b[2J\u202e${'k'.repeat(200)}`;
      const { reason } = await rejection(await signClaims(goodClaims(), { kid }));
      expect(reason).toContain("unknown vendor key '\\u{1B}[2J\\u{202E}kkk");
      expect(reason).not.toMatch(/[\u0000-\u001f\u202e]/);
      expect(reason.length).toBeLessThan(400);
      const alg = signRaw({ alg: 'Ed\u0007DSA', kid: VENDOR_KID }, goodClaims());
      expect((await rejection(alg)).reason).toContain("algorithm 'Ed\\u{7}DSA' is not accepted");
    });
  });

  describe('claims beyond the contract', () => {
    it('rejects an exp beyond the range of a date (9000000000000) as a bad claim', async () => {
      const token = await signClaims(goodClaims({ exp: 9_000_000_000_000 }));
      expect((await rejection(token)).reason).toBe(
        "bad claim 'exp': it must be a time in seconds no later than 9999-12-31T23:59:59Z (253402300799); ask the vendor for a corrected license",
      );
    });

    it('accepts an exp at the last second of 9999', async () => {
      const token = await signClaims(goodClaims({ exp: 253_402_300_799 }));
      const { license } = await verifyLicenseToken(token, verifyOptions());
      expect(new Date(license.expiresAt).toISOString()).toBe('9999-12-31T23:59:59.000Z');
    });

    it.each([
      ['customer', claimsWithLicense({ customer: 'ACME\u202e' }), "bad claim 'license.customer'"],
      ['iss', goodClaims({ iss: 'Vendor\u001b[0m' }), "bad claim 'iss'"],
      ['jti', goodClaims({ jti: 'lic\u2066x' }), "bad claim 'jti'"],
    ])('rejects control or bidirectional characters in %s', async (_claim, claims, expected) => {
      const { reason } = await rejection(await signClaims(claims));
      expect(reason).toContain(expected);
      expect(reason).toContain('ask the vendor for a corrected license');
    });

    it('rejects control characters in sub before comparing it with the Key ID', async () => {
      const token = await signClaims(goodClaims({ sub: `${INSTALLATION_KEY_ID}\u200f` }));
      expect((await rejection(token)).reason).toContain("bad claim 'sub'");
    });
  });

  describe('garbage', () => {
    const FORMAT = 'not a license token: expected a JWS in compact serialization (three base64url parts separated by dots)';

    it.each([
      ['an empty string', ''],
      ['a word', 'license'],
      ['two parts', 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJ4In0'],
      ['four parts', 'a.b.c.d'],
      ['five parts (a JWE)', 'a.b.c.d.e'],
      ['an empty header', '.eyJqdGkiOiJ4In0.c2ln'],
      ['an empty payload', 'eyJhbGciOiJFZERTQSJ9..c2ln'],
      ['characters outside base64url', 'eyJhbGci+OiJFZERTQSJ9.eyJqdGki/OiJ4In0.c2ln'],
      ['base64 padding', 'eyJhbGciOiJFZERTQSJ9=.eyJqdGkiOiJ4In0=.c2ln'],
      ['a token with a line break inside', 'eyJhbGciOiJFZERTQSJ9\n.eyJqdGkiOiJ4In0.c2ln'],
      ['JSON claims', JSON.stringify({ jti: 'x' })],
      ['a PEM key', vendor.publicKeyPem],
    ])('rejects %s and says what a license token looks like', async (_what, token) => {
      expect((await rejection(token)).reason).toBe(FORMAT);
    });

    it('rejects a header that is base64url but not JSON', async () => {
      const token = `${b64url('not json at all')}.${b64json(goodClaims())}.c2ln`;
      expect((await rejection(token)).reason).toBe('not a license token: its header is not base64url-encoded JSON');
    });

    it('rejects a header that is not valid base64url data (length 1 mod 4)', async () => {
      expect((await rejection(`a.${b64json(goodClaims())}.c2ln`)).reason).toContain('not a license token');
    });

    it('rejects a header that is JSON but not an object', async () => {
      expect((await rejection(`${b64json(['EdDSA'])}.${b64json(goodClaims())}.c2ln`)).reason).toContain(
        'not a license token',
      );
    });

    it('rejects a payload that is not JSON under an EdDSA header (the signature fails first)', async () => {
      const token = `${b64json({ alg: 'EdDSA', kid: VENDOR_KID })}.${b64url('\u0000\u0001garbage')}.c2ln`;
      expect((await rejection(token)).reason).toContain('the signature does not verify');
    });

    it('rejects very long input quickly without parsing it', async () => {
      const good = splitToken(await signClaims(goodClaims()));
      const token = `${good.header}.${'A'.repeat(2 * 1024 * 1024)}.${good.signature}`;
      const started = Date.now();
      expect((await rejection(token)).reason).toContain('a license token has at most 16384');
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('rejects a token just over 16 KiB even if it is otherwise well formed', async () => {
      const claims = { ...goodClaims(), padding: 'x'.repeat(16 * 1024) };
      const token = await signClaims(claims);
      expect(token.length).toBeGreaterThan(16 * 1024);
      expect((await rejection(token)).reason).toContain('not a license token');
    });

    it('accepts a hand-crafted EdDSA token (so the crit case below fails for the crit, not the signature)', async () => {
      const token = signRaw({ alg: 'EdDSA', kid: VENDOR_KID }, goodClaims());
      await expect(verifyLicenseToken(token, verifyOptions())).resolves.toBeDefined();
    });

    it('rejects a JWS with the crit header naming an unknown extension', async () => {
      const token = signRaw({ alg: 'EdDSA', kid: VENDOR_KID, crit: ['exp-extension'], 'exp-extension': true }, goodClaims());
      expect((await rejection(token)).reason).toContain('the signature does not verify');
    });

    it('rejects an unencoded-payload JWS (b64: false)', async () => {
      const token = await signClaims(goodClaims(), { header: { b64: false, crit: ['b64'] } });
      expect((await rejection(token)).reason).toContain('not a license token');
    });
  });
});

describe('createVendorKeyring', () => {
  it('indexes Ed25519 public keys by kid', () => {
    const ring = createVendorKeyring([
      { kid: 'a', publicKey: vendor.publicKeyPem },
      { kid: 'b', publicKey: stranger.publicKeyPem },
    ]);
    expect([...ring.keys()]).toEqual(['a', 'b']);
    expect(ring.get('a')?.asymmetricKeyType).toBe('ed25519');
    expect(ring.get('a')?.type).toBe('public');
  });

  it('accepts an empty list', () => {
    expect(createVendorKeyring([]).size).toBe(0);
  });

  it('rejects an RSA key, naming the kid and saying Ed25519 is required', () => {
    const { publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => createVendorKeyring([{ kid: 'rsa-key', publicKey }])).toThrow(
      "Vendor key 'rsa-key' is a rsa key; licenses use Ed25519 keys",
    );
  });

  it('rejects an EC (P-256) key, naming the kid and saying Ed25519 is required', () => {
    const { publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => createVendorKeyring([{ kid: 'ec-key', publicKey }])).toThrow(
      "Vendor key 'ec-key' is a ec key; licenses use Ed25519 keys",
    );
  });

  it('rejects an Ed448 key', () => {
    const { publicKey } = generateKeyPairSync('ed448', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    expect(() => createVendorKeyring([{ kid: 'ed448', publicKey }])).toThrow('licenses use Ed25519 keys');
  });

  it.each([
    ['garbage text', 'not a key'],
    ['an empty string', ''],
    ['a PEM with a damaged body', vendor.publicKeyPem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!')],
    ['a PEM with its body cut short', vendor.publicKeyPem.slice(0, 40) + '\n-----END PUBLIC KEY-----\n'],
    ['a bare base64 body without PEM armour', vendor.publicKeyPem.split('\n')[1]],
  ])('rejects %s, naming the kid and the expected format', (_what, publicKey) => {
    expect(() => createVendorKeyring([{ kid: 'broken', publicKey }])).toThrow(
      "Vendor key 'broken' is not a PEM public key (expected '-----BEGIN PUBLIC KEY-----', SPKI)",
    );
  });

  it('rejects a private key given as the public key and says to configure the public key', () => {
    expect(() => createVendorKeyring([{ kid: 'oops', publicKey: vendor.privateKeyPem }])).toThrow(
      /Vendor key 'oops' is a private key.*public key/,
    );
  });

  it('rejects a kid configured twice and names it', () => {
    expect(() =>
      createVendorKeyring([
        { kid: 'dup', publicKey: vendor.publicKeyPem },
        { kid: 'dup', publicKey: stranger.publicKeyPem },
      ]),
    ).toThrow("Vendor key 'dup' is configured twice");
  });

  it('rejects an empty kid', () => {
    expect(() => createVendorKeyring([{ kid: '', publicKey: vendor.publicKeyPem }])).toThrow(
      'Every vendor key needs a non-empty kid',
    );
  });
});
