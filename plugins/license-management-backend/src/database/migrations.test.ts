import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { KnexLicenseStore } from './KnexLicenseStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const directory = resolvePackagePath('@backstage-licensing/plugin-license-management-backend', 'migrations');

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('go all the way up and all the way down, and up again', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory });
    for (const table of ['license_installation', 'license_licenses', 'license_records', 'license_usage', 'license_meta', 'license_usb_nodes', 'license_usb_state', 'license_sharing_sites', 'license_sharing_lock', 'license_sharing_totals', 'license_lease_client']) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await knex.migrate.rollback({ directory }, true);
    expect(await knex.schema.hasTable('license_licenses')).toBe(false);
    await knex.migrate.latest({ directory });
    expect(await knex('license_meta').where({ key: 'revision' }).first()).toMatchObject({ key: 'revision' });
  });

  it('keeps reported use when usage becomes per reporter, and sums it on the way down', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.up({ directory, name: '20261128000000_init.js' });
    await knex('license_usage').insert([
      { metric: 'hosts', used: 7, updated_at: 1, updated_by: 'plugin:inventory' },
      { metric: 'arm-hosts', used: 2, updated_at: 1, updated_by: 'user:default/admin' },
    ]);
    await knex.migrate.up({ directory, name: '20261201000000_usage_per_reporter.js' });
    const rows = await knex('license_usage').orderBy('metric');
    expect(rows.map(r => [r.metric, r.reporter, Number(r.used)])).toEqual([
      ['arm-hosts', 'user:default/admin', 2],
      ['hosts', 'plugin:inventory', 7],
    ]);
    await knex('license_usage').insert({ metric: 'hosts', reporter: 'provider:catalog', used: 3, updated_at: 2 });
    await knex.migrate.down({ directory });
    const back = await knex('license_usage').orderBy('metric');
    expect(back.map(r => [r.metric, Number(r.used)])).toEqual([['arm-hosts', 2], ['hosts', 10]]);
  });

  it('indexes the records that exist for free-text search, and again after going down and up', async () => {
    const knex = await databases.init(databaseId);
    for (const name of ['20261128000000_init.js', '20261201000000_usage_per_reporter.js', '20261202000000_records_license_id_index.js']) {
      await knex.migrate.up({ directory, name });
    }
    const row = (i: number) => ({ time: i, action: 'upload', license_id: `lic-${i}`, item: 'vmware', quota: '{}', actor: 'user:default/admin', detail: `detail ${i}` });
    await knex('license_records').insert(Array.from({ length: 30 }, (_, i) => row(i)));
    const store = await KnexLicenseStore.fromKnex(knex);
    const find = async (q: string) => (await store.listRecords({ limit: 50, filter: { q } })).items.map(r => r.licenseId);
    expect(await find('LIC-2')).toEqual(['lic-29', 'lic-28', 'lic-27', 'lic-26', 'lic-25', 'lic-24', 'lic-23', 'lic-22', 'lic-21', 'lic-20', 'lic-2']);
    expect(await find('tail 17')).toEqual(['lic-17']);
    await knex.migrate.down({ directory, name: '20261206000000_records_search.js' });
    await knex('license_records').insert(row(30));
    await knex.migrate.up({ directory, name: '20261206000000_records_search.js' });
    expect(await find('tail 30')).toEqual(['lic-30']);
    expect(await find('tail 17')).toEqual(['lic-17']);
  });
});
