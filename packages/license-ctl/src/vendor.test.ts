import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCatalog } from '@backstage-licensing/plugin-license-management-common';
import {
  generateEd25519KeyPair,
  keyIdOf,
  readLicenseFile,
} from '@backstage-licensing/plugin-license-management-common/node';
import { verifyRequestKey } from '@backstage-licensing/license-vendor';
// The portal side (a devDependency): what license-ctl issues, a portal accepts.
import {
  createRequestKey,
  createVendorKeyring,
  LicenseRejectedError,
  verifyLicenseToken,
} from '@backstage-licensing/plugin-license-management-node';
import { cli } from './testUtils';


let dir: string;
let keyFile: string;
let pubFile: string;
const USB = 'USB-0001-TEST';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'license-ctl-vendor-'));
  const r = await cli('vendor', 'keygen', '--kid', 'test-vendor', '--out', join(dir, 'keys'));
  expect(r.code).toBe(0);
  keyFile = join(dir, 'keys', 'test-vendor.key');
  pubFile = join(dir, 'keys', 'test-vendor.pub');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function verifyAll(file: string, opts: { installationKeyId?: string; publicKeyPem?: string } = {}) {
  const publicKey = opts.publicKeyPem ?? (await readFile(pubFile, 'utf8'));
  const { tokens, format } = await readLicenseFile(await readFile(file));
  const vendorKeys = createVendorKeyring([{ kid: 'test-vendor', publicKey }]);
  const verified = [];
  for (const { token } of tokens) {
    verified.push(
      await verifyLicenseToken(token, {
        vendorKeys,
        catalog: compileCatalog(),
        installationKeyId: opts.installationKeyId ?? 'NOT-THIS-ONE',
        usbKeyIds: [USB],
        now: Date.now(),
      }),
    );
  }
  return { format, verified };
}

function issueArgs(output: string, ...more: string[]) {
  return ['vendor', 'issue', '--key', keyFile, '--kid', 'test-vendor', '--expires', '2027-03-31', '-o', output, ...more];
}

describe('vendor keygen', () => {
  it('writes KID.key as PKCS#8 and KID.pub as SPKI, creating the directory', async () => {
    const out = join(dir, 'deep', 'er', 'keys');
    const r = await cli('vendor', 'keygen', '--kid', 'acme-2027', '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    const key = await readFile(join(out, 'acme-2027.key'), 'utf8');
    const pub = await readFile(join(out, 'acme-2027.pub'), 'utf8');
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    // The two halves belong together and are Ed25519.
    const derived = createPublicKey(key);
    expect(derived.asymmetricKeyType).toBe('ed25519');
    expect(derived.export({ type: 'spki', format: 'pem' })).toBe(pub);
    expect(statSync(join(out, 'acme-2027.key')).mode & 0o077).toBe(0);
    expect(r.out).toContain('acme-2027.pub');
  });

  it('refuses to overwrite an existing key pair', async () => {
    const out = join(dir, 'twice');
    expect((await cli('vendor', 'keygen', '--kid', 'k', '--out', out)).code).toBe(0);
    const before = await readFile(join(out, 'k.key'), 'utf8');
    const beforePub = await readFile(join(out, 'k.pub'), 'utf8');
    const r = await cli('vendor', 'keygen', '--kid', 'k', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/exists already/);
    expect(await readFile(join(out, 'k.key'), 'utf8')).toBe(before);
    expect(await readFile(join(out, 'k.pub'), 'utf8')).toBe(beforePub);
  });

  it('refuses to overwrite a stray public key and writes no private key', async () => {
    const out = join(dir, 'stray');
    await cli('vendor', 'keygen', '--kid', 'other', '--out', out);
    await writeFile(join(out, 'k.pub'), 'keep me');
    const r = await cli('vendor', 'keygen', '--kid', 'k', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(await readFile(join(out, 'k.pub'), 'utf8')).toBe('keep me');
    expect(existsSync(join(out, 'k.key'))).toBe(false);
  });

  it('fails in one line when the directory cannot be created', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const r = await cli('vendor', 'keygen', '--kid', 'k', '--out', join(file, 'sub'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
  });

  it.each([['a kid with a slash', '../evil'], ['an empty kid', ''], ['a kid with spaces', 'a b']])(
    'refuses %s as bad usage',
    async (_what, kid) => {
      const r = await cli('vendor', 'keygen', '--kid', kid, '--out', join(dir, 'bad-kid'));
      expect(r.code).toBe(2);
      expect(existsSync(join(dir, 'bad-kid'))).toBe(false);
    },
  );
});

describe('vendor issue', () => {
  it('writes a .tar.gz whose tokens verify with the public key, one per license', async () => {
    const output = join(dir, 'usb.tar.gz');
    const r = await cli(
      ...issueArgs(output, '--usb-key-id', USB, '--base', 'enterprise-prepaid:hosts=100'),
      '--plus', 'vmware:vmware-cpus=32',
      '--plus', 'backup',
      '--customer', 'Example Corp',
    );
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    const bytes = await readFile(output);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const { format, verified } = await verifyAll(output);
    expect(format).toBe('archive');
    expect(verified.map(v => `${v.license.type}:${v.license.item}`)).toEqual([
      'base:enterprise-prepaid',
      'plus:vmware',
      'plus:backup',
    ]);
    expect(new Set(verified.map(v => v.claims.jti)).size).toBe(3);
    for (const v of verified) {
      expect(v.claims.sub).toBe(USB);
      expect(v.claims.license.method).toBe('usb-key');
      expect(v.claims.license.customer).toBe('Example Corp');
      expect(v.claims.iss).toBe('test-vendor');
      expect(v.claims.exp).toBe(Date.parse('2027-04-01T00:00:00Z') / 1000);
      expect(v.claims.nbf).toBeUndefined();
      expect(Math.abs(v.claims.iat - Date.now() / 1000)).toBeLessThan(120);
    }
    expect(verified[0].claims.license.quota).toEqual({ hosts: 100 });
    expect(verified[1].claims.license.quota).toEqual({ 'vmware-cpus': 32 });
    expect(verified[2].claims.license.quota).toBeUndefined();
  });

  it('writes a .txt whose tokens verify, with exp the day after --expires and nbf the day of --not-before', async () => {
    const output = join(dir, 'usb.txt');
    const r = await cli(
      ...issueArgs(output, '--usb-key-id', USB, '--plus', 'arm64:arm-hosts=8', '--not-before', '2027-01-01'),
      '--base', 'standard',
    );
    expect(r.code).toBe(0);
    const text = await readFile(output, 'utf8');
    expect(text).toMatch(/^#/);
    const { format, verified } = await verifyAll(output);
    expect(format).toBe('text');
    expect(verified).toHaveLength(2);
    for (const v of verified) {
      expect(new Date(v.claims.exp * 1000).toISOString()).toBe('2027-04-01T00:00:00.000Z');
      expect(new Date(v.claims.nbf! * 1000).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    }
    const arm = verified.find(v => v.license.item === 'arm64')!;
    expect(arm.license.quota).toEqual({ 'arm-hosts': 8 });
    expect(arm.claims.license.customer).toBeUndefined();
  });

  it.each([['.tgz', 'out.tgz', 'archive'], ['.lic', 'out.lic', 'text']])(
    'accepts the %s ending',
    async (_what, name, format) => {
      const output = join(dir, name);
      expect((await cli(...issueArgs(output, '--usb-key-id', USB, '--base', 'standard'))).code).toBe(0);
      expect((await verifyAll(output)).format).toBe(format);
    },
  );

  it('binds licenses to the Key ID of a request key', async () => {
    const installation = generateEd25519KeyPair();
    const requestKey = join(dir, 'request-key.txt');
    await writeFile(
      requestKey,
      await createRequestKey({ productVersion: '1.0.0', licenses: [], createdAt: new Date().toISOString() }, installation),
    );
    const keyId = keyIdOf(installation.publicKeyPem);
    const output = join(dir, 'rk.tar.gz');
    const r = await cli(...issueArgs(output, '--request-key', requestKey, '--base', 'enterprise-trial:hosts=5'));
    expect(r.code).toBe(0);
    expect(r.out).toContain(keyId);
    const { verified } = await verifyAll(output, { installationKeyId: keyId });
    expect(verified).toHaveLength(1);
    expect(verified[0].claims.sub).toBe(keyId);
    expect(verified[0].claims.license.method).toBe('request-key');
    // ...and only to it.
    await expect(verifyAll(output, { installationKeyId: 'AAAAA-BBBBB-CCCCC-DDDDD' })).rejects.toThrow(
      LicenseRejectedError,
    );
  });

  it('fails in one line for a tampered request key, writing nothing', async () => {
    const installation = generateEd25519KeyPair();
    const text = await createRequestKey(
      { productVersion: '1.0.0', licenses: [], createdAt: new Date().toISOString() },
      installation,
    );
    await expect(verifyRequestKey(text)).resolves.toBeTruthy();
    const tampered = text
      .split('\n')
      .map(line => {
        if (!line || line.startsWith('#')) return line;
        const [h, p, s] = line.split('.');
        const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
        payload.productVersion = '9.9.9';
        return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
      })
      .join('\n');
    const requestKey = join(dir, 'tampered-request-key.txt');
    await writeFile(requestKey, tampered);
    const output = join(dir, 'never.txt');
    const r = await cli(...issueArgs(output, '--request-key', requestKey, '--base', 'standard'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/request key/);
    expect(existsSync(output)).toBe(false);
  });

  it.each([
    ['an unknown edition', ['--base', 'platinum'], /unknown edition 'platinum'/],
    ['an unknown module', ['--plus', 'teleport'], /unknown module 'teleport'/],
    ['a metric of another module', ['--plus', 'vmware:arm-hosts=2'], /arm-hosts/],
    ['a module metric on the Base', ['--base', 'standard:vmware-cpus=2'], /vmware-cpus/],
    ['a Base metric on a module', ['--plus', 'vmware:hosts=2'], /hosts/],
    ['a module given twice', ['--plus', 'vmware', '--plus', 'vmware:vmware-cpus=1'], /twice/],
  ])('refuses %s with exit 2 and writes nothing', async (_what, flags, message) => {
    const output = join(dir, 'refused.txt');
    const r = await cli(...issueArgs(output, '--usb-key-id', USB), ...flags);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(message);
    expect(existsSync(output)).toBe(false);
  });

  it('fails in one line when the key is not a private key', async () => {
    const r = await cli(
      'vendor', 'issue', '--key', pubFile, '--kid', 'test-vendor', '--usb-key-id', USB, '--base', 'standard',
      '--expires', '2027-03-31', '-o', join(dir, 'x.txt'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/PRIVATE KEY/);
  });

  it('fails in one line when the output cannot be written', async () => {
    const r = await cli(...issueArgs(join(dir, 'no', 'such', 'dir', 'x.txt'), '--usb-key-id', USB, '--base', 'standard'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot write/);
  });
});

describe('vendor issue --expires', () => {
  it('is valid all of the day typed: exp is the next midnight (UTC), shown as "valid through" the day typed', async () => {
    const output = join(dir, 'through.txt');
    const r = await cli(
      'vendor', 'issue', '--key', keyFile, '--kid', 'test-vendor', '--usb-key-id', USB,
      '--base', 'standard', '--expires', '2027-12-31', '-o', output,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: base standard \(valid through 2027-12-31\)$/);
    expect(r.out).not.toContain('2028-01-01');
    const { verified } = await verifyAll(output);
    expect(new Date(verified[0].claims.exp * 1000).toISOString()).toBe('2028-01-01T00:00:00.000Z');

    const inspected = await cli('vendor', 'inspect', output, '--public-key', pubFile);
    expect(inspected.code).toBe(0);
    expect(inspected.out).toMatch(/line \d+: kid=test-vendor alg=EdDSA signature valid, valid through 2027-12-31$/m);
  });
});

describe('vendor inspect', () => {
  let licenseFile: string;

  beforeAll(async () => {
    licenseFile = join(dir, 'inspect.tar.gz');
    const r = await cli(
      ...issueArgs(licenseFile, '--usb-key-id', USB, '--base', 'enterprise-prepaid:hosts=100'),
      '--plus', 'vmware:vmware-cpus=32', '--customer', 'Inspect Inc',
    );
    expect(r.code).toBe(0);
  });

  it('prints the claims of every token and a valid signature', async () => {
    const r = await cli('vendor', 'inspect', licenseFile, '--public-key', pubFile);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([]);
    expect(r.out.match(/signature valid/g)).toHaveLength(2);
    expect(r.out).toContain('kid=test-vendor');
    expect(r.out).toContain('"item": "enterprise-prepaid"');
    expect(r.out).toContain('"vmware-cpus": 32');
    expect(r.out).toContain('"customer": "Inspect Inc"');
    expect(r.out).toContain(`"sub": "${USB}"`);
  });

  it('prints the claims without checking signatures when no public key is given', async () => {
    const r = await cli('vendor', 'inspect', licenseFile);
    expect(r.code).toBe(0);
    expect(r.out).toContain('not checked');
    expect(r.out).toContain('"item": "vmware"');
  });

  it('reports a signature by another key with exit 1', async () => {
    const other = join(dir, 'other-keys');
    await cli('vendor', 'keygen', '--kid', 'test-vendor', '--out', other);
    const r = await cli('vendor', 'inspect', licenseFile, '--public-key', join(other, 'test-vendor.pub'));
    expect(r.code).toBe(1);
    expect(r.out.match(/signature INVALID/g)).toHaveLength(2);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/2 token\(s\)/);
  });

  it('reports an altered token with exit 1', async () => {
    const txt = join(dir, 'altered.txt');
    await cli(...issueArgs(txt, '--usb-key-id', USB, '--base', 'standard:hosts=10'));
    const altered = (await readFile(txt, 'utf8'))
      .split('\n')
      .map(line => {
        if (!line || line.startsWith('#')) return line;
        const [h, p, s] = line.split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
        claims.license.quota.hosts = 10000;
        return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
      })
      .join('\n');
    await writeFile(txt, altered);
    const r = await cli('vendor', 'inspect', txt, '--public-key', pubFile);
    expect(r.code).toBe(1);
    expect(r.out).toContain('signature INVALID');
    expect(r.out).toContain('"hosts": 10000');
    expect(r.err).toHaveLength(1);
  });

  it('fails in one line, not as bad signatures, when the public key file is missing', async () => {
    const r = await cli('vendor', 'inspect', licenseFile, '--public-key', join(dir, 'missing.pub'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot read public key/);
    expect(r.out).not.toContain('INVALID');
  });

  it('fails in one line when the public key file is not an Ed25519 public key', async () => {
    const rsa = join(dir, 'rsa.pub');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await writeFile(rsa, publicKey.export({ type: 'spki', format: 'pem' }));
    const notPem = join(dir, 'not-pem.pub');
    await writeFile(notPem, 'hello');
    for (const file of [rsa, notPem]) {
      const r = await cli('vendor', 'inspect', licenseFile, '--public-key', file);
      expect(r.code).toBe(1);
      expect(r.err).toHaveLength(1);
      expect(r.out).not.toContain('INVALID');
    }
  });

  it('fails in one line for a file of garbage, with or without a public key', async () => {
    const garbage = join(dir, 'garbage.txt');
    await writeFile(garbage, 'not a token\n');
    for (const extra of [[], ['--public-key', join(dir, 'missing.pub')], ['--public-key', pubFile]]) {
      const r = await cli('vendor', 'inspect', garbage, ...extra);
      expect(r.code).toBe(1);
      expect(r.err).toHaveLength(1);
    }
  });

  it('verifies and prints a request key, and fails on a tampered one', async () => {
    const installation = generateEd25519KeyPair();
    const text = await createRequestKey(
      { productVersion: '2.0.0', licenses: ['lic-1'], createdAt: new Date().toISOString() },
      installation,
    );
    const good = join(dir, 'inspect-request-key.txt');
    await writeFile(good, text);
    const ok = await cli('vendor', 'inspect', good);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('signature verified');
    expect(ok.out).toContain(keyIdOf(installation.publicKeyPem));

    const bad = join(dir, 'inspect-request-key-bad.txt');
    const lines = text.split('\n');
    const i = lines.findIndex(l => l && !l.startsWith('#'));
    const [h, p, s] = lines[i].split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    payload.licenses = [];
    lines[i] = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    await writeFile(bad, lines.join('\n'));
    const r = await cli('vendor', 'inspect', bad);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
  });

  it('fails in one line for a file that does not exist', async () => {
    const r = await cli('vendor', 'inspect', join(dir, 'nope.txt'));
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/cannot read/);
  });
});
