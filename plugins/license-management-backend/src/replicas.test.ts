import { generateEd25519KeyPair } from '@backstage-licensing/plugin-license-management-node';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { type Harness, startHarness } from './testing/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const api = '/api/license-management';

/** Waits until `condition` holds (polling every 50 ms); returns how long it took. Fails after 5 s. */
async function within5s(condition: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > 5000) throw new Error('not seen by the other replica within 5 s');
    await new Promise(r => setTimeout(r, 50));
  }
  return Date.now() - start;
}

describe.each(databases.eachSupportedId())('two backends on one %p database', databaseId => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const shared = {
      vendor: { kid: 'test-vendor', ...generateEd25519KeyPair() },
      clock: { now: Date.UTC(2026, 5, 1, 12) },
      features: [mockServices.database.factory({ knex })],
    };
    // The default sync interval: the 5 s promise is about it, not a test-only setting.
    a = await startHarness({ syncIntervalMs: 2000 }, shared);
    b = await startHarness({ syncIntervalMs: 2000 }, shared);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('share one installation: the same Key ID', () => {
    expect(a.keyId).toBe(b.keyId);
  });

  it('see each other\'s uploads, usage and deletions within 5 s, over HTTP and through licenseServiceRef', async () => {
    const base = await a.token({ type: 'base', item: 'standard', quota: { hosts: 10 } });
    const vmware = await a.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 16 } });
    expect((await a.upload(`${base}\n${vmware}`)).status).toBe(201);

    // An upload on A reaches B's in-memory answers.
    await within5s(async () => (await b.service.check({ feature: 'vmware' })).allowed);
    expect((await b.service.getStatus()).edition).toBe('standard');
    const onB = await request(b.server).post(`${api}/check`).set('Authorization', b.reader).send({ feature: 'vmware' });
    expect(onB.body).toMatchObject({ allowed: true, code: 'OK' });

    // Usage reported on B, by a service over HTTP and by a plugin in process, reaches A.
    expect(
      (await request(b.server).put(`${api}/usage/vmware-cpus`).set('Authorization', b.admin).send({ used: 10 })).status,
    ).toBe(204);
    await b.service.reportUsage('vmware-cpus', 4);
    await within5s(async () => {
      const q = (await a.service.getStatus()).quotas.find(x => x.metric === 'vmware-cpus');
      return q?.used === 14;
    });
    await expect(a.service.check({ feature: 'vmware', metric: 'vmware-cpus', amount: 3 })).resolves.toMatchObject({
      code: 'QUOTA_EXCEEDED',
    });

    // Use above the quota on A is QUOTA_EXCEEDED on B for every feature but License Management.
    await a.service.reportUsage('hosts', 11);
    await within5s(async () => (await b.service.check({ feature: 'virtualization' })).code === 'QUOTA_EXCEEDED');
    await expect(b.service.check({ feature: 'license-management' })).resolves.toMatchObject({ allowed: true });
    await a.service.reportUsage('hosts', 2);
    await within5s(async () => (await b.service.check({ feature: 'virtualization' })).allowed);

    // A deletion on B reaches A.
    const id = (await request(b.server).get(`${api}/licenses`).set('Authorization', b.reader)).body.find(
      (l: any) => l.item === 'vmware',
    ).id;
    expect((await request(b.server).delete(`${api}/licenses/${id}`).set('Authorization', b.admin)).status).toBe(204);
    await within5s(async () => (await a.service.check({ feature: 'vmware' })).code === 'NOT_LICENSED');
    const listed = await request(a.server).get(`${api}/licenses`).set('Authorization', a.reader);
    expect(listed.body.map((l: any) => l.item)).toEqual(['standard']);
  });
});
