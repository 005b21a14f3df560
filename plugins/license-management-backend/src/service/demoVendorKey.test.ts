import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  createVendorKeyring,
  generateEd25519KeyPair,
} from '@backstage-licensing/plugin-license-management-node';
import {
  assertNoDemoVendorKeyInProduction,
  DEMO_VENDOR_PUBLIC_KEY_PEM,
  DemoVendorKeyError,
  demoVendorKids,
} from './demoVendorKey';
import { replica, T0 } from './testReplica';

const REPO_DEMO_PUB = join(__dirname, '../../../../vendor-keys/demo-vendor.pub');
const own = generateEd25519KeyPair().publicKeyPem;

describe('the demo vendor key', () => {
  it('is the public key of vendor-keys/demo-vendor.pub', () => {
    expect(DEMO_VENDOR_PUBLIC_KEY_PEM.trim()).toBe(readFileSync(REPO_DEMO_PUB, 'utf8').trim());
  });

  it('is recognised by its key, whatever its kid', () => {
    const ring = createVendorKeyring([
      { kid: 'acme', publicKey: own },
      { kid: 'renamed-demo', publicKey: readFileSync(REPO_DEMO_PUB, 'utf8') },
    ]);
    expect(demoVendorKids(ring)).toEqual(['renamed-demo']);
  });

  it('stops a production start, saying what to do; development and other keys start', () => {
    const demo = createVendorKeyring([{ kid: 'demo-vendor', publicKey: DEMO_VENDOR_PUBLIC_KEY_PEM }]);
    expect(() => assertNoDemoVendorKeyInProduction(demo, true)).toThrow(DemoVendorKeyError);
    expect(() => assertNoDemoVendorKeyInProduction(demo, true)).toThrow(
      /refuses to start in production.*'demo-vendor'.*Remove it from licenseManagement.vendorKeys/,
    );
    expect(() => assertNoDemoVendorKeyInProduction(demo, false)).not.toThrow();
    expect(() => assertNoDemoVendorKeyInProduction(createVendorKeyring([{ kid: 'acme', publicKey: own }]), true)).not.toThrow();
  });
});

describe('a production replica', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('refuses to start while the demo vendor key is trusted, before it stores anything', async () => {
    const knex = await databases.init('SQLITE_3');
    const vendorKeys = createVendorKeyring([{ kid: 'demo-vendor', publicKey: DEMO_VENDOR_PUBLIC_KEY_PEM }]);
    const clocks = { now: T0, mono: 0 };
    await expect(replica(knex, clocks, { vendorKeys, production: true })).rejects.toThrow(DemoVendorKeyError);
    expect(await knex('license_installation')).toEqual([]);
    await expect(replica(knex, clocks, { vendorKeys, production: false })).resolves.toBeDefined();
  });

  it('reads production from NODE_ENV by default', async () => {
    const knex = await databases.init('SQLITE_3');
    const vendorKeys = createVendorKeyring([{ kid: 'demo-vendor', publicKey: DEMO_VENDOR_PUBLIC_KEY_PEM }]);
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(replica(knex, { now: T0, mono: 0 }, { vendorKeys })).rejects.toThrow(/refuses to start in production/);
    } finally {
      process.env.NODE_ENV = saved;
    }
  });
});
