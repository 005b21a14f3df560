import { generateEd25519KeyPair } from '@backstage-licensing/plugin-license-management-node';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { type Harness, startHarness } from '../testing/harness';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const api = '/api/license-management';
const POOL = 40;
const SITES = 50;

describe('two license server replicas on one PostgreSQL database, 50 client sites racing for the pool', () => {
  let a: Harness;
  let b: Harness;
  let knex: Awaited<ReturnType<typeof databases.init>>;

  beforeAll(async () => {
    knex = await databases.init('POSTGRES_15');
    const shared = {
      vendor: { kid: 'test-vendor', ...generateEd25519KeyPair() },
      clock: { now: Date.UTC(2026, 5, 1, 12) },
      features: [mockServices.database.factory({ knex })],
    };
    const config = { syncIntervalMs: 2000, sharing: { enabled: true, leaseTtl: { minutes: 10 } } };
    a = await startHarness(config, shared);
    b = await startHarness(config, shared);
    expect((await a.upload(await a.token({ type: 'base', item: 'standard', quota: { hosts: POOL } }))).status).toBe(201);
    // B reloads now instead of within its sync interval.
    expect((await request(b.server).post(`${api}/reload`).set('Authorization', b.admin)).status).toBe(200);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
  });

  /** The sum of the live leases, straight from the database. */
  async function leasedInDatabase(): Promise<number> {
    const rows = await knex('license_sharing_sites').whereNull('revoked_at').whereNotNull('lease_quota').select('lease_quota');
    return rows.reduce((sum, r) => sum + (JSON.parse(r.lease_quota).hosts ?? 0), 0);
  }

  it('never leases more than the pool, whatever the interleaving, and the replicas agree on what is leased', async () => {
    const sites: Array<{ id: string; credential: string }> = [];
    for (let i = 0; i < SITES; i++) {
      const res = await request(a.server).post(`${api}/sharing/sites`).set('Authorization', a.admin).send({ name: `site-${i}` });
      expect(res.status).toBe(201);
      sites.push(res.body);
    }
    const held = new Map<string, number>();
    let granted = 0;
    let refused = 0;
    let random = 7;
    const next = (n: number) => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random % n;
    };
    for (let round = 0; round < 6; round++) {
      // Every site at once, half through each replica: a new amount, a renewal, or a release.
      const results = await Promise.all(
        sites.map(async (site, i) => {
          const server = (i + round) % 2 === 0 ? a.server : b.server;
          const auth = `Bearer ${site.credential}`;
          const choice = next(10);
          if (choice === 0 && held.has(site.id)) {
            const res = await request(server).delete(`${api}/sharing/lease`).set('Authorization', auth);
            return { site, status: res.status, hosts: 0 };
          }
          const hosts = choice < 4 && held.has(site.id) ? held.get(site.id)! : 1 + next(3);
          const res = await request(server).put(`${api}/sharing/lease`).set('Authorization', auth).send({ quota: { hosts } });
          return { site, status: res.status, hosts: res.status === 200 ? res.body.quota.hosts : undefined };
        }),
      );
      for (const r of results) {
        expect([200, 204, 409]).toContain(r.status);
        if (r.status === 200) {
          granted++;
          held.set(r.site.id, r.hosts!);
        } else if (r.status === 204) {
          held.delete(r.site.id);
        } else {
          refused++;
        }
      }
      const total = await leasedInDatabase();
      expect(total).toBeLessThanOrEqual(POOL);
      // What the sites were told they hold is what the database holds.
      expect([...held.values()].reduce((s, n) => s + n, 0)).toBe(total);
    }
    expect(granted).toBeGreaterThan(SITES);
    expect(refused).toBeGreaterThan(0);
    const poolA = (await request(a.server).get(`${api}/sharing/pool`).set('Authorization', a.admin)).body.items[0];
    const poolB = (await request(b.server).get(`${api}/sharing/pool`).set('Authorization', b.admin)).body.items[0];
    expect(poolA).toEqual(poolB);
    expect(poolA.leased).toBe(await leasedInDatabase());
    expect(poolA.leased).toBeLessThanOrEqual(POOL);
  });
});
