import { createPublicKey } from 'node:crypto';
import { exportJWK } from 'jose';
import {
  installationFingerprint,
  keyIdOf,
  RequestKeyError,
} from '@backstage-licensing/plugin-license-management-common/node';
import { verifyRequestKey } from './requestKey';
import { signLicenseToken } from './sign';
import {
  b64json,
  CONTENT,
  craftRequestKey,
  flipChar,
  genuineContent,
  goodClaims,
  installation,
  jwsOf,
  portalRequestKey,
  splitToken,
  stranger,
  vendor,
  VENDOR_KID,
} from './testUtils';

async function refusal(text: string): Promise<RequestKeyError> {
  try {
    await verifyRequestKey(text);
  } catch (e) {
    expect(e).toBeInstanceOf(RequestKeyError);
    expect((e as Error).name).toBe('RequestKeyError');
    expect((e as RequestKeyError).kind).toBe('invalid');
    return e as RequestKeyError;
  }
  throw new Error('expected the request key to be refused, but it was accepted');
}

describe('verifyRequestKey accepts', () => {
  it('a request key as a portal writes it, and answers its content', async () => {
    expect(await verifyRequestKey(await portalRequestKey())).toEqual({
      ...CONTENT,
      keyId: keyIdOf(installation.publicKeyPem),
      fingerprint: installationFingerprint(installation.publicKeyPem),
    });
  });

  it('the file after a trip through Windows (CRLF) and extra blank lines', async () => {
    const file = await portalRequestKey();
    const content = await verifyRequestKey(`\r\n${file.replace(/\n/g, '\r\n')}\r\n\r\n`);
    expect(content.keyId).toBe(keyIdOf(installation.publicKeyPem));
  });

  it('an edited comment: only the signed line is trusted', async () => {
    const file = (await portalRequestKey()).replace(/# Key ID: .*/, '# Key ID: AAAAA-AAAAA-AAAAA-AAAAA');
    expect((await verifyRequestKey(file)).keyId).toBe(keyIdOf(installation.publicKeyPem));
  });
});

describe('verifyRequestKey refuses', () => {
  describe('an edited request key', () => {
    it.each([
      ['keyId', { keyId: 'AAAAA-BBBBB-CCCCC-DDDDD' }],
      ['licenses', { licenses: [] }],
      ['licenses (one added)', { licenses: ['lic-0001', 'lic-0002', 'lic-9999'] }],
      ['productVersion', { productVersion: '9.9.9' }],
      ['createdAt', { createdAt: '2030-01-01T00:00:00.000Z' }],
    ])('with %s changed and re-encoded without re-signing, and says to download it again', async (_what, change) => {
      const file = await portalRequestKey();
      const jws = jwsOf(file);
      const { header, payloadJson, signature } = splitToken(jws);
      const forged = `${header}.${b64json({ ...payloadJson, ...change })}.${signature}`;

      const error = await refusal(file.replace(jws, forged));

      expect(error.message).toBe(
        'The request key signature does not verify: the file was edited or damaged. Download it again.',
      );
    });

    it('with a damaged signature', async () => {
      const file = await portalRequestKey();
      const jws = jwsOf(file);
      const { header, payload, signature } = splitToken(jws);
      const error = await refusal(file.replace(jws, `${header}.${payload}.${flipChar(signature)}`));
      expect(error.message).toContain('Download it again');
    });

    it('with the installation key in the header swapped for another key', async () => {
      const file = await portalRequestKey();
      const jws = jwsOf(file);
      const { headerJson, payload, signature } = splitToken(jws);
      const otherJwk = await exportJWK(createPublicKey(stranger.publicKeyPem));
      const forged = `${b64json({ ...headerJson, jwk: { kty: 'OKP', crv: 'Ed25519', x: otherJwk.x } })}.${payload}.${signature}`;
      expect((await refusal(file.replace(jws, forged))).message).toContain('signature does not verify');
    });
  });

  describe('a request key re-signed with another key', () => {
    it("that carries its own key but claims the original installation's Key ID", async () => {
      const victim = genuineContent(installation);
      const forged = await craftRequestKey(
        { ...victim, fingerprint: installationFingerprint(stranger.publicKeyPem) },
        { signWith: stranger.privateKeyPem },
      );
      const error = await refusal(forged);
      expect(error.message).toBe(
        'The request key names a Key ID that does not belong to its installation key. Use the request key file exactly as downloaded from the portal.',
      );
    });

    it("that carries its own key and claims the original Key ID and fingerprint", async () => {
      const forged = await craftRequestKey(genuineContent(installation), { signWith: stranger.privateKeyPem });
      expect((await refusal(forged)).message).toContain('names a Key ID that does not belong to its installation key');
    });

    it('that carries the original installation key but is signed with another', async () => {
      const forged = await craftRequestKey(genuineContent(installation), {
        signWith: stranger.privateKeyPem,
        headerKeyOf: installation.publicKeyPem,
      });
      expect((await refusal(forged)).message).toContain('signature does not verify');
    });

    it("whose fingerprint is not its own key's", async () => {
      const forged = await craftRequestKey({
        ...(genuineContent(installation)),
        fingerprint: installationFingerprint(stranger.publicKeyPem),
      });
      const error = await refusal(forged);
      expect(error.message).toContain('fingerprint does not match its installation key');
      expect(error.message).toContain('exactly as downloaded from the portal');
    });
  });

  describe('content that is not a request key', () => {
    it.each([
      ['an empty file', ''],
      ['only comments', '# License Management request key\n# nothing else\n'],
      ['a word', 'hello'],
      ['a PEM key', installation.publicKeyPem],
    ])('%s, and says what a request key is', async (_what, text) => {
      const error = await refusal(text);
      expect(error.message).toMatch(/^Not a request key file/);
      expect(error.message).toContain('Use the request key file exactly as downloaded from the portal.');
    });

    it('two signed lines', async () => {
      const jws = jwsOf(await portalRequestKey());
      expect((await refusal(`${jws}\n${jws}\n`)).message).toContain('expected one signed line');
    });

    it('a license token instead of a request key', async () => {
      const token = await signLicenseToken(goodClaims(), { kid: VENDOR_KID, privateKeyPem: vendor.privateKeyPem });
      const error = await refusal(`${token}\n`);
      expect(error.message).toContain('its signed line is not a request key');
    });

    it('a request key header with another algorithm', async () => {
      const jws = jwsOf(await portalRequestKey());
      const { headerJson, payload, signature } = splitToken(jws);
      const forged = `${b64json({ ...headerJson, alg: 'none' })}.${payload}.${signature}`;
      expect((await refusal(forged)).message).toContain('its signed line is not a request key');
    });

    it('a request key without the installation key in its header', async () => {
      const jws = await craftRequestKey(genuineContent(installation), { header: { jwk: undefined } });
      const error = await refusal(jws);
      expect(error.message).toContain('carries no Ed25519 installation key');
    });

    it('a request key whose header key is not Ed25519', async () => {
      const jws = await craftRequestKey(genuineContent(installation), {
        header: { jwk: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } },
      });
      expect((await refusal(jws)).message).toContain('carries no Ed25519 installation key');
    });

    it('a request key whose header key is malformed', async () => {
      const jws = await craftRequestKey(genuineContent(installation), {
        header: { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'too-short' } },
      });
      expect((await refusal(jws)).message).toContain('does not verify');
    });

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['a number', '42'],
      ['not JSON', 'not json'],
    ])('a correctly signed payload that is %s', async (_what, payload) => {
      const error = await refusal(await craftRequestKey(payload));
      expect(error.message).toContain('exactly as downloaded from the portal');
    });

    it('a correctly signed request key without a product version', async () => {
      const { productVersion: _v, ...content } = genuineContent(installation);
      expect((await refusal(await craftRequestKey(content))).message).toContain(
        'lacks the product version, its creation time or the license list',
      );
    });

    it('a correctly signed request key whose license list is not a list of ids', async () => {
      const content = genuineContent(installation);
      expect((await refusal(await craftRequestKey({ ...content, licenses: 'lic-0001' }))).message).toContain(
        'license list',
      );
      expect((await refusal(await craftRequestKey({ ...content, licenses: [1, { id: 2 }] }))).message).toContain(
        'license list',
      );
    });
  });
});
