import { TestDatabases } from '@backstage/backend-test-utils';
import { compileCatalog, DAY_MS } from '@backstage-licensing/plugin-license-management-common';
import {
  createVendorKeyring,
  generateEd25519KeyPair,
} from '@backstage-licensing/plugin-license-management-node';
import { signLicenseToken } from '@backstage-licensing/license-vendor';
import { KnexLicenseStore } from '../database/KnexLicenseStore';
import { DefaultLicenseEngine } from './DefaultLicenseEngine';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const vendor = { kid: 'v1', ...generateEd25519KeyPair() };
const logger = { info: () => {}, warn: () => {} };

async function replica(knex: any, clock: () => number) {
  return DefaultLicenseEngine.create({
    store: await KnexLicenseStore.fromKnex(knex),
    catalog: compileCatalog(),
    vendorKeys: createVendorKeyring([{ kid: vendor.kid, publicKey: vendor.publicKeyPem }]),
    logger,
    productVersion: '1.0.0',
    syncIntervalMs: 100,
    clock,
    // Time these tests move on is time that passes: the monotonic clock follows it.
    monotonic: clock,
  });
}

async function waitFor(condition: () => boolean, ms = 5000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 20));
  }
  return Date.now() - start;
}

describe.each(databases.eachSupportedId())('DefaultLicenseEngine replicas on %p', databaseId => {
  it('share one installation identity and see each other\'s changes within 5 s', async () => {
    const knex = await databases.init(databaseId);
    const clock = () => Date.now();
    const [a, b] = [await replica(knex, clock), await replica(knex, clock)];
    a.start();
    b.start();
    try {
      expect(a.keyId).toBe(b.keyId);
      const iat = Math.floor(Date.now() / 1000);
      const sign = (item: string, type: 'base' | 'plus') =>
        signLicenseToken(
          { jti: `${item}-1`, iss: 'v1', sub: a.keyId, iat, exp: iat + 86_400 * 100, license: { type, item, method: 'request-key' } },
          vendor,
        );
      const file = `${await sign('enterprise-prepaid', 'base')}\n${await sign('gpu', 'plus')}\n`;
      await a.upload(Buffer.from(file), 'user:default/admin');
      expect(a.status().edition).toBe('enterprise-prepaid');
      await waitFor(() => b.status().edition === 'enterprise-prepaid');
      expect(b.check({ feature: 'gpu' }).allowed).toBe(true);

      await b.delete('gpu-1', 'user:default/admin');
      await b.reportUsage('hosts', 3, 'plugin:test');
      await waitFor(() => a.listLicenses().length === 1 && a.status().quotas.some(q => q.metric === 'hosts' && q.used === 3));
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('records an expiry once although both replicas notice it', async () => {
    const knex = await databases.init(databaseId);
    let now = Date.UTC(2026, 0, 1);
    const clock = () => now;
    const a = await replica(knex, clock);
    const b = await replica(knex, clock);
    const iat = Math.floor(now / 1000);
    const token = await signLicenseToken(
      { jti: 'short', iss: 'v1', sub: a.keyId, iat, exp: iat + 86_400, license: { type: 'base', item: 'standard', method: 'request-key' } },
      vendor,
    );
    await a.upload(Buffer.from(token), 'user:default/admin');
    now += 2 * DAY_MS;
    await Promise.all([a.sync(true), b.sync(true)]);
    const { items } = await a.records({ limit: 50, filter: { action: 'expire' } });
    expect(items).toEqual([expect.objectContaining({ licenseId: 'short', state: 'expired', actor: 'system' })]);
    expect(b.status()).toMatchObject({ state: 'expired', edition: 'standard' });
  });
});
