import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const directory = resolvePackagePath('@backstage-licensing/plugin-license-management-backend', 'migrations');

describe.each(databases.eachSupportedId())('the sharing totals migration on %p', databaseId => {
  it('fills the totals from the leases not ended (revoked sites and sites without a lease left out)', async () => {
    const knex = await databases.init(databaseId);
    const names = (await knex.migrate.list({ directory }))[1].map((m: { file: string }) => m.file).sort();
    for (const name of names.filter((n: string) => n < '20261221000000_sharing_totals.js')) {
      await knex.migrate.up({ directory, name });
    }
    const site = (id: string, quota: Record<string, number> | null, revoked = false) => ({
      id,
      name: id,
      credential_hash: 'x',
      created_at: 1,
      created_by: 'a',
      revoked_at: revoked ? 2 : null,
      lease_terms: quota ? 't' : null,
      lease_modules: quota ? '[]' : null,
      lease_quota: quota ? JSON.stringify(quota) : null,
      lease_granted_at: quota ? 1 : null,
      lease_renewed_at: quota ? 1 : null,
      lease_expires_at: quota ? 10 : null,
    });
    await knex('license_sharing_sites').insert([
      site('a', { hosts: 2, gpus: 1 }),
      site('b', { hosts: 3 }),
      site('c', null),
      site('d', { hosts: 100 }, true),
    ]);
    await knex.migrate.up({ directory, name: '20261221000000_sharing_totals.js' });
    const rows = await knex('license_sharing_totals').orderBy('metric');
    expect(rows.map(r => [r.metric, Number(r.leased)])).toEqual([
      ['gpus', 1],
      ['hosts', 5],
    ]);
    await knex.migrate.down({ directory });
    expect(await knex.schema.hasTable('license_sharing_totals')).toBe(false);
  });
});
