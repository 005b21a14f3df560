import { generateEd25519KeyPair } from '@backstage-licensing/plugin-license-management-node';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { type Harness, startHarness } from './testing/harness';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const api = '/api/license-management';

async function within5s(condition: () => Promise<boolean>) {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > 5000) throw new Error('the replicas did not agree within 5 s');
    await new Promise(r => setTimeout(r, 50));
  }
}

const listed = async (h: Harness): Promise<Array<{ id: string; item: string; state: string }>> =>
  (await request(h.server).get(`${api}/licenses`).set('Authorization', h.reader)).body;

/** Every record, oldest first. */
async function allRecords(h: Harness) {
  const items: Array<{ action: string; licenseId: string | null }> = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await request(h.server)
      .get(`${api}/records?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
      .set('Authorization', h.admin);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items.reverse();
}

/** What the records say is installed: each upload installs, each delete removes. */
function replay(records: Array<{ action: string; licenseId: string | null }>): string[] {
  const installed = new Set<string>();
  for (const r of records) {
    if (r.action === 'upload') installed.add(r.licenseId!);
    if (r.action === 'delete') installed.delete(r.licenseId!);
  }
  return [...installed].sort();
}

describe('two replicas on one PostgreSQL database, under concurrent changes', () => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    const knex = await databases.init('POSTGRES_15');
    const shared = {
      vendor: { kid: 'test-vendor', ...generateEd25519KeyPair() },
      clock: { now: Date.UTC(2026, 5, 1, 12) },
      features: [mockServices.database.factory({ knex })],
    };
    a = await startHarness({ syncIntervalMs: 2000 }, shared);
    b = await startHarness({ syncIntervalMs: 2000 }, shared);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('20 parallel uploads and deletes spread over both end in the state the records say', async () => {
    const modules = ['vmware', 'backup', 'gpu', 'arm64', 'cdp', 'sdn', 'billing', 'sriov', 'baremetal', 'tenant-management'];
    expect((await a.upload(await a.token({ type: 'base', item: 'enterprise-prepaid' }))).status).toBe(201);
    const doomed: string[] = [];
    for (const item of modules) {
      const token = await a.token({ type: 'plus', item });
      const res = await a.upload(token);
      expect(res.status).toBe(201);
      doomed.push(res.body.installed[0].id);
    }
    await within5s(async () => (await listed(b)).length === 11);

    // 10 uploads (each a newer license for a module: a replacement) and 10 deletes, alternating replicas,
    // plus one token uploaded to both at once.
    const fresh = await Promise.all(modules.map(item => a.token({ type: 'plus', item })));
    const twice = await a.token({ type: 'plus', item: 'auto-scaling' });
    const replicas = [a, b];
    const results = await Promise.all([
      ...fresh.map((token, i) => replicas[i % 2].upload(token)),
      ...doomed.map((id, i) =>
        request(replicas[(i + 1) % 2].server).delete(`${api}/licenses/${id}`).set('Authorization', a.admin),
      ),
      a.upload(twice),
      b.upload(twice),
    ]);
    const uploads = results.slice(0, 10);
    const deletes = results.slice(10, 20);
    const racing = results.slice(20);
    expect(uploads.map(r => r.status)).toEqual(Array(10).fill(201));
    expect(deletes.map(r => r.status)).toEqual(Array(10).fill(204));
    // One of the racing uploads installs it; the other finds it installed (200) or loses the race (409).
    expect(racing.filter(r => r.status === 201)).toHaveLength(1);
    expect(racing.every(r => [200, 201, 409].includes(r.status))).toBe(true);

    await within5s(async () => {
      const [onA, onB] = await Promise.all([listed(a), listed(b)]);
      return JSON.stringify(onA) === JSON.stringify(onB) && onA.length === 12;
    });
    const records = await allRecords(a);
    const expected = replay(records);
    for (const h of [a, b]) {
      const licenses = await listed(h);
      expect(licenses.map(l => l.id).sort()).toEqual(expected);
      // One license in force per slot, none half-installed or tampered.
      expect(licenses.every(l => l.state === 'valid')).toBe(true);
      expect(new Set(licenses.map(l => l.item)).size).toBe(licenses.length);
    }
    // Every delete is recorded once, every upload once.
    for (const id of doomed) {
      const changes = records.filter(r => r.licenseId === id && r.action !== 'replace');
      expect(changes.map(r => r.action)).toEqual(['upload', 'delete']);
    }
    const twiceId = racing.find(r => r.status === 201)!.body.installed[0].id;
    expect(records.filter(r => r.licenseId === twiceId && r.action === 'upload')).toHaveLength(1);
  });
});
