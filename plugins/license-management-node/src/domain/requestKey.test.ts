import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { CompactSign, exportJWK } from 'jose';
import { generateEd25519KeyPair, keyIdOf, readEd25519PrivateKey } from './keys';
import {
  createRequestKey,
  installationFingerprint,
  RequestKeyError,
  verifyRequestKey,
  type RequestKeyContent,
} from './requestKey';
import { b64json, flipChar, goodClaims, installation, signClaims, splitToken, stranger } from './testUtils';

const CONTENT = {
  productVersion: '1.4.2',
  licenses: ['lic-0001', 'lic-0002'],
  createdAt: '2025-01-15T12:00:00.000Z',
  portal: 'https://backstage.example.com',
};

/** The signed line of a request key file. */
const jwsOf = (file: string) => file.split('\n').find(l => l && !l.startsWith('#'))!;

/** Signs a request key payload by hand: any key, any header key, any content. */
async function craftRequestKey(
  payload: unknown,
  options: { signWith?: string; headerKeyOf?: string; header?: Record<string, unknown> } = {},
): Promise<string> {
  const signWith = options.signWith ?? installation.privateKeyPem;
  const headerKey = createPublicKey(options.headerKeyOf ?? signWith);
  const jwk = await exportJWK(headerKey);
  return new CompactSign(new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload)))
    .setProtectedHeader({
      alg: 'EdDSA',
      typ: 'license-request-key',
      jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
      ...options.header,
    } as { alg: string })
    .sign(readEd25519PrivateKey(signWith));
}

/** The content a genuine request key of `keys` would carry. */
async function genuineContent(keys: { publicKeyPem: string }): Promise<RequestKeyContent> {
  return {
    ...CONTENT,
    keyId: keyIdOf(keys.publicKeyPem),
    fingerprint: await installationFingerprint(keys.publicKeyPem),
  };
}

async function refusal(text: string): Promise<RequestKeyError> {
  try {
    await verifyRequestKey(text);
  } catch (e) {
    expect(e).toBeInstanceOf(RequestKeyError);
    expect((e as Error).name).toBe('RequestKeyError');
    return e as RequestKeyError;
  }
  throw new Error('expected the request key to be refused, but it was accepted');
}

describe('createRequestKey and verifyRequestKey', () => {
  it('round-trips: the Key ID derives from the installation key, with fingerprint and license list', async () => {
    const file = await createRequestKey(CONTENT, installation);

    const content = await verifyRequestKey(file);

    expect(content).toEqual({
      ...CONTENT,
      keyId: keyIdOf(installation.publicKeyPem),
      fingerprint: await installationFingerprint(installation.publicKeyPem),
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

describe('verifyRequestKey refuses', () => {
  describe('an edited request key', () => {
    it.each([
      ['keyId', { keyId: 'AAAAA-BBBBB-CCCCC-DDDDD' }],
      ['licenses', { licenses: [] }],
      ['licenses (one added)', { licenses: ['lic-0001', 'lic-0002', 'lic-9999'] }],
      ['productVersion', { productVersion: '9.9.9' }],
      ['createdAt', { createdAt: '2030-01-01T00:00:00.000Z' }],
    ])('with %s changed and re-encoded without re-signing, and says to download it again', async (_what, change) => {
      const file = await createRequestKey(CONTENT, installation);
      const jws = jwsOf(file);
      const { header, payloadJson, signature } = splitToken(jws);
      const forged = `${header}.${b64json({ ...payloadJson, ...change })}.${signature}`;

      const error = await refusal(file.replace(jws, forged));

      expect(error.message).toBe(
        'The request key signature does not verify: the file was edited or damaged. Download it again.',
      );
    });

    it('with a damaged signature', async () => {
      const file = await createRequestKey(CONTENT, installation);
      const jws = jwsOf(file);
      const { header, payload, signature } = splitToken(jws);
      const error = await refusal(file.replace(jws, `${header}.${payload}.${flipChar(signature)}`));
      expect(error.message).toContain('Download it again');
    });

    it('with the installation key in the header swapped for another key', async () => {
      const file = await createRequestKey(CONTENT, installation);
      const jws = jwsOf(file);
      const { headerJson, payload, signature } = splitToken(jws);
      const otherJwk = await exportJWK(createPublicKey(stranger.publicKeyPem));
      const forged = `${b64json({ ...headerJson, jwk: { kty: 'OKP', crv: 'Ed25519', x: otherJwk.x } })}.${payload}.${signature}`;
      expect((await refusal(file.replace(jws, forged))).message).toContain('signature does not verify');
    });
  });

  describe('a request key re-signed with another key', () => {
    it("that carries its own key but claims the original installation's Key ID", async () => {
      const victim = await genuineContent(installation);
      const forged = await craftRequestKey(
        { ...victim, fingerprint: await installationFingerprint(stranger.publicKeyPem) },
        { signWith: stranger.privateKeyPem },
      );
      const error = await refusal(forged);
      expect(error.message).toBe(
        'The request key names a Key ID that does not belong to its installation key. Use the request key file exactly as downloaded from the portal.',
      );
    });

    it("that carries its own key and claims the original Key ID and fingerprint", async () => {
      const forged = await craftRequestKey(await genuineContent(installation), { signWith: stranger.privateKeyPem });
      expect((await refusal(forged)).message).toContain('names a Key ID that does not belong to its installation key');
    });

    it('that carries the original installation key but is signed with another', async () => {
      const forged = await craftRequestKey(await genuineContent(installation), {
        signWith: stranger.privateKeyPem,
        headerKeyOf: installation.publicKeyPem,
      });
      expect((await refusal(forged)).message).toContain('signature does not verify');
    });

    it("whose fingerprint is not its own key's", async () => {
      const forged = await craftRequestKey({
        ...(await genuineContent(installation)),
        fingerprint: await installationFingerprint(stranger.publicKeyPem),
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
      const jws = jwsOf(await createRequestKey(CONTENT, installation));
      expect((await refusal(`${jws}\n${jws}\n`)).message).toContain('expected one signed line');
    });

    it('a license token instead of a request key', async () => {
      const token = await signClaims(goodClaims());
      const error = await refusal(`${token}\n`);
      expect(error.message).toContain('its signed line is not a request key');
    });

    it('a request key header with another algorithm', async () => {
      const jws = jwsOf(await createRequestKey(CONTENT, installation));
      const { headerJson, payload, signature } = splitToken(jws);
      const forged = `${b64json({ ...headerJson, alg: 'none' })}.${payload}.${signature}`;
      expect((await refusal(forged)).message).toContain('its signed line is not a request key');
    });

    it('a request key without the installation key in its header', async () => {
      const jws = await craftRequestKey(await genuineContent(installation), { header: { jwk: undefined } });
      const error = await refusal(jws);
      expect(error.message).toContain('carries no Ed25519 installation key');
    });

    it('a request key whose header key is not Ed25519', async () => {
      const jws = await craftRequestKey(await genuineContent(installation), {
        header: { jwk: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } },
      });
      expect((await refusal(jws)).message).toContain('carries no Ed25519 installation key');
    });

    it('a request key whose header key is malformed', async () => {
      const jws = await craftRequestKey(await genuineContent(installation), {
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
      const { productVersion: _v, ...content } = await genuineContent(installation);
      expect((await refusal(await craftRequestKey(content))).message).toContain(
        'lacks the product version, its creation time or the license list',
      );
    });

    it('a correctly signed request key whose license list is not a list of ids', async () => {
      const content = await genuineContent(installation);
      expect((await refusal(await craftRequestKey({ ...content, licenses: 'lic-0001' }))).message).toContain(
        'license list',
      );
      expect((await refusal(await craftRequestKey({ ...content, licenses: [1, { id: 2 }] }))).message).toContain(
        'license list',
      );
    });
  });
});
