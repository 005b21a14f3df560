import { TestDatabases } from '@backstage/backend-test-utils';
import { termsKey } from '@backstage-licensing/plugin-license-management-common';
import { KnexLicenseStore } from '../database/KnexLicenseStore';
import { KnexSharingStore } from './KnexSharingStore';
import type { StoredLease } from './SharingStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const T = 1_800_000_000_000;
const site = (id: string, name = id) => ({ id, name, credentialHash: 'ab'.repeat(32), createdAt: T, createdBy: 'user:default/admin' });
const lease = (quota: Record<string, number>, expiresAt = T + 60_000, modules: string[] = []): StoredLease => ({
  modules,
  quota,
  grantedAt: T,
  renewedAt: T,
  expiresAt,
});
const record = (detail: string) => ({ time: T, action: 'site' as const, actor: 'user:default/admin', detail });

describe.each(databases.eachSupportedId())('KnexSharingStore on %p', databaseId => {
  async function stores() {
    const knex = await databases.init(databaseId);
    const licenses = await KnexLicenseStore.fromKnex(knex);
    return { knex, store: await KnexSharingStore.fromKnex(knex), licenses };
  }

  it('registers sites with their record, lists those not revoked, and knows each credential hash', async () => {
    const { store, licenses } = await stores();
    await store.addSite(site('s1', 'Lab'), record('registered s1'));
    await store.addSite(site('s2', 'Branch'), record('registered s2'));
    expect((await store.listSites()).map(s => [s.id, s.name, s.lease])).toEqual([
      ['s1', 'Lab', undefined],
      ['s2', 'Branch', undefined],
    ]);
    expect(await store.credentialOf('s1')).toEqual({ credentialHash: 'ab'.repeat(32), revoked: false });
    expect(await store.credentialOf('nope')).toBeUndefined();
    expect((await licenses.listRecords({ limit: 10 })).items.map(r => [r.action, r.detail])).toEqual([
      ['site', 'registered s2'],
      ['site', 'registered s1'],
    ]);
  });

  it('writes what a lease transaction decides, keeps the totals, and hands it the leases past their expiry', async () => {
    const { store, licenses, knex } = await stores();
    await store.addSite(site('s1'), record('r1'));
    await store.addSite(site('s2'), record('r2'));
    const states: Array<{ site?: string; totals: Record<string, number>; expired: string[] }> = [];
    const seen = (state: { site?: { id: string }; totals: Record<string, number>; expired: Array<{ id: string }> }) =>
      states.push({ site: state.site?.id, totals: state.totals, expired: state.expired.map(e => e.id) });
    await store.changeLeases('s1', T, state => {
      seen(state);
      return { change: { set: { siteId: 's1', lease: lease({ hosts: 5, gpus: 1 }) }, seen: { siteId: 's1', at: T } }, result: 1 };
    });
    await store.changeLeases('s2', T, state => {
      seen(state);
      return { change: { set: { siteId: 's2', lease: lease({ hosts: 3 }, T + 1000) } }, result: 1 };
    });
    // s1 changes its terms: its old quota out, the new one in.
    await store.changeLeases('s1', T, state => {
      seen(state);
      return { change: { set: { siteId: 's1', lease: lease({ hosts: 2 }) } }, result: 1 };
    });
    // Past s2's expiry: the next transaction is handed s2 and ends it.
    await store.changeLeases('s1', T + 1000, state => {
      seen(state);
      return { change: { end: state.expired.map(e => e.id), records: [record('s2 expired')] }, result: 1 };
    });
    expect(states).toEqual([
      { site: 's1', totals: {}, expired: [] },
      { site: 's2', totals: { hosts: 5, gpus: 1 }, expired: [] },
      { site: 's1', totals: { hosts: 8, gpus: 1 }, expired: [] },
      { site: 's1', totals: { hosts: 5 }, expired: ['s2'] },
    ]);
    const totals = async () =>
      Object.fromEntries((await knex('license_sharing_totals').select()).filter(r => Number(r.leased) !== 0).map(r => [r.metric, Number(r.leased)]));
    expect(await totals()).toEqual({ hosts: 2 });
    expect((await store.liveLeases(T)).map(l => [l.siteId, l.lease.quota])).toEqual([['s1', { hosts: 2 }]]);
    expect((await licenses.listRecords({ limit: 1 })).items[0].detail).toBe('s2 expired');
    // Ending a lease it was not handed is a bug of the caller, refused before anything is written.
    await store.changeLeases('s2', T, () => ({ change: { set: { siteId: 's2', lease: lease({ hosts: 1 }) } }, result: 0 }));
    await expect(store.changeLeases(undefined, T, () => ({ change: { end: ['s2'] }, result: 0 }))).rejects.toThrow(/did not read/);
    // The reaper sees every lease, may end any, and computes the totals again.
    await knex('license_sharing_totals').update({ leased: 999 });
    const swept = await store.sweepLeases(({ holders }) => ({
      change: { end: ['s2'], revoke: { siteId: 's1', at: T + 5, actor: 'user:default/admin' }, records: [record('both gone')] },
      result: holders.map(h => h.id),
    }));
    expect(swept).toEqual(['s1', 's2']);
    expect(await totals()).toEqual({});
    expect(await store.liveLeases(T)).toEqual([]);
    expect((await store.listSites()).map(s => [s.id, s.lease])).toEqual([['s2', undefined]]);
    expect(await store.credentialOf('s1')).toMatchObject({ revoked: true });
    expect((await licenses.listRecords({ limit: 1 })).items[0].detail).toBe('both gone');
  });

  it('writes nothing when the decision throws', async () => {
    const { store, licenses } = await stores();
    await store.addSite(site('s1'), record('r1'));
    await expect(
      store.changeLeases('s1', T, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await store.listSites())[0].lease).toBeUndefined();
    expect((await licenses.listRecords({ limit: 10 })).items).toHaveLength(1);
  });

  it('renews a lease with unchanged terms without the lock, only while it is live, not revoked and the terms match', async () => {
    const { store } = await stores();
    await store.addSite(site('s1'), record('r1'));
    const held = lease({ hosts: 5 }, T + 60_000, ['vmware']);
    await store.changeLeases('s1', T, () => ({ change: { set: { siteId: 's1', lease: held } }, result: 0 }));
    const key = termsKey(held);
    const renewed = await store.renewUnchanged('s1', key, T + 30_000, T + 90_000);
    expect(renewed).toEqual({ ...held, renewedAt: T + 30_000, expiresAt: T + 90_000 });
    expect((await store.listSites())[0]).toMatchObject({ lastSeenAt: T + 30_000, lease: { expiresAt: T + 90_000 } });
    // Other terms, a lease past its expiry, a revoked site: not renewed here.
    expect(await store.renewUnchanged('s1', termsKey({ modules: [], quota: { hosts: 6 } }), T + 31_000, T + 91_000)).toBeUndefined();
    expect(await store.renewUnchanged('s1', key, T + 90_000, T + 150_000)).toBeUndefined();
    await store.changeLeases('s1', T, () => ({ change: { revoke: { siteId: 's1', at: T, actor: 'a' } }, result: 0 }));
    expect(await store.renewUnchanged('s1', key, T + 31_000, T + 91_000)).toBeUndefined();
  });

  it('renews many sites at once, each by its own conditions (one statement on PostgreSQL)', async () => {
    const { store } = await stores();
    const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
    for (const id of ids) {
      await store.addSite(site(id), record(id));
      await store.changeLeases(id, T, () => ({ change: { set: { siteId: id, lease: lease({ hosts: 1 }) } }, result: 0 }));
    }
    await store.changeLeases('s0', T, () => ({ change: { revoke: { siteId: 's0', at: T, actor: 'a' } }, result: 0 }));
    const key = termsKey(lease({ hosts: 1 }));
    const answers = await Promise.all(
      ids.map((id, i) => store.renewUnchanged(id, i === 1 ? termsKey(lease({ hosts: 2 })) : key, T + 1000 + i, T + 61_000 + i)),
    );
    expect(answers[0]).toBeUndefined();
    expect(answers[1]).toBeUndefined();
    // Renewed at its own instant, or (a batch on PostgreSQL) at the latest instant of its batch.
    answers.slice(2).forEach((a, k) => {
      expect(a).toMatchObject({ quota: { hosts: 1 } });
      expect(a!.renewedAt).toBeGreaterThanOrEqual(T + 1002 + k);
      expect(a!.expiresAt - a!.renewedAt).toBe(60_000);
    });
    const listed = new Map((await store.listSites()).map(s => [s.id, s]));
    expect(listed.get('s1')!.lease!.expiresAt).toBe(T + 60_000);
    expect(listed.get('s39')!.lease!.expiresAt).toBe(answers[39]!.expiresAt);
  });

  it('runs lease transactions one after the other: 20 concurrent read-modify-writes lose no update', async () => {
    const { store, knex } = await stores();
    await store.addSite(site('s1'), record('r1'));
    await store.changeLeases('s1', T, () => ({ change: { set: { siteId: 's1', lease: lease({ hosts: 0 }) } }, result: 0 }));
    // Each transaction reads the counter kept in the lease and writes it plus one.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.changeLeases('s1', T, ({ site: s }) => ({
          change: { set: { siteId: 's1', lease: lease({ hosts: (s!.lease!.quota.hosts ?? 0) + 1 }) } },
          result: 0,
        })),
      ),
    );
    expect((await store.listSites())[0].lease!.quota).toEqual({ hosts: 20 });
    // Each transaction took the old amount out and put the new one in.
    expect(Number((await knex('license_sharing_totals').where({ metric: 'hosts' }).first()).leased)).toBe(20);
  });
});
