import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const directory = resolvePackagePath('@backstage-licensing/plugin-license-management-backend', 'migrations');

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('go all the way up and all the way down, and up again', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory });
    for (const table of ['license_installation', 'license_licenses', 'license_records', 'license_usage', 'license_meta']) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    await knex.migrate.rollback({ directory }, true);
    expect(await knex.schema.hasTable('license_licenses')).toBe(false);
    await knex.migrate.latest({ directory });
    expect(await knex('license_meta').where({ key: 'revision' }).first()).toMatchObject({ key: 'revision' });
  });
});
