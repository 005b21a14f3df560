import { TestDatabases } from '@backstage/backend-test-utils';
import { DAY_MS } from '@backstage-licensing/plugin-license-management-common';
import { KnexLicenseStore } from './KnexLicenseStore';
import type { NewLicense, NewRecord } from './LicenseStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const T0 = Date.UTC(2026, 0, 1);

const license = (id: string): NewLicense => ({
  id,
  token: `token-of-${id}`,
  type: 'base',
  item: id.startsWith('ent') ? 'enterprise-prepaid' : 'standard',
  method: 'request-key',
  keyId: 'KEY',
  issuer: 'vendor',
  customer: 'Example Corp',
  quota: { hosts: 10 },
  issuedAt: T0,
  notBefore: T0,
  expiresAt: T0 + 365 * DAY_MS,
  uploadedAt: T0,
  uploadedBy: 'user:default/first',
});

const reinstated = (id: string): NewRecord => ({ time: T0 + 5, action: 'reinstate', licenseId: id, actor: 'user:default/admin' });

describe.each(databases.eachSupportedId())('KnexLicenseStore.reinstateLicense on %p', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    const store = await KnexLicenseStore.fromKnex(knex);
    await store.installLicenses([license('ent'), license('std')], []);
    return { knex, store };
  }

  it('makes the license the newest upload, keeps every other column, and appends the records, in one revision', async () => {
    const { knex, store } = await setup();
    const [ent] = await store.listLicenses();
    const rowBefore = await knex('license_licenses').where({ id: 'ent' }).first();
    const revision = await store.getRevision();

    expect(await store.reinstateLicense('ent', ent.uploadSeq, T0 + 5, 'user:default/admin', [reinstated('ent')])).toBe(true);

    const listed = await store.listLicenses();
    expect(listed.map(l => l.id)).toEqual(['std', 'ent']);
    const moved = listed[1];
    expect(moved.uploadSeq).toBeGreaterThan(listed[0].uploadSeq);
    expect(moved).toEqual({ ...ent, uploadSeq: moved.uploadSeq, uploadedAt: T0 + 5, uploadedBy: 'user:default/admin' });
    const rowAfter = await knex('license_licenses').where({ id: 'ent' }).first();
    const { seq: _a, uploaded_at: _b, uploaded_by: _c, ...rest } = rowBefore;
    expect(rowAfter).toMatchObject(rest);
    expect(await store.getRevision()).toBe(revision + 1);
    const { items } = await store.listRecords({ limit: 10 });
    expect(items.map(r => [r.action, r.licenseId])).toEqual([['reinstate', 'ent']]);
  });

  it('changes nothing when the license moved or was deleted meanwhile', async () => {
    const { knex, store } = await setup();
    const [ent, std] = await store.listLicenses();
    const before = await knex('license_licenses').orderBy('seq');
    const revision = await store.getRevision();

    expect(await store.reinstateLicense('ent', std.uploadSeq, T0, 'a', [reinstated('ent')])).toBe(false);
    expect(await store.reinstateLicense('nope', ent.uploadSeq, T0, 'a', [reinstated('nope')])).toBe(false);
    await store.deleteLicense('std', T0, 'a', []);
    expect(await store.reinstateLicense('std', std.uploadSeq, T0, 'a', [reinstated('std')])).toBe(false);

    expect((await knex('license_licenses').orderBy('seq')).map(r => [r.id, r.seq])).toEqual(before.map(r => [r.id, r.seq]));
    expect(await store.getRevision()).toBe(revision + 1); // the delete
    expect((await store.listRecords({ limit: 10 })).items).toEqual([]);
  });

  it('lets one of two concurrent reinstatements of the same license win', async () => {
    const { knex, store } = await setup();
    const [ent] = await store.listLicenses();
    const results = await Promise.all([
      store.reinstateLicense('ent', ent.uploadSeq, T0 + 1, 'a', [reinstated('ent')]),
      store.reinstateLicense('ent', ent.uploadSeq, T0 + 2, 'b', [reinstated('ent')]),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await knex('license_licenses').where({ id: 'ent' })).toHaveLength(1);
    expect((await store.listRecords({ limit: 10 })).items).toHaveLength(1);
  });
});
