import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { type Harness, mockScheduler, startHarness } from '../testing/harness';
import { LEASE_REAPER_TASK_ID } from './startLicenseSharing';

jest.setTimeout(60_000);

const api = '/api/license-management';
const TTL_MS = 60_000;

describe('a license server: client sites, the pool and the lease routes', () => {
  let h: Harness;
  const scheduler = mockScheduler();

  beforeAll(async () => {
    h = await startHarness(
      { sharing: { enabled: true, leaseTtl: { seconds: TTL_MS / 1000 } } },
      { features: [scheduler.factory()] },
    );
    const tokens = [
      await h.token({ type: 'base', item: 'standard', quota: { hosts: 10 } }),
      await h.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 16 } }),
    ];
    expect((await h.upload(tokens.join('\n'))).status).toBe(201);
    await h.service.reportUsage('hosts', 3);
  });
  afterAll(() => h?.stop());

  const addSite = async (name: string) => {
    const res = await request(h.server).post(`${api}/sharing/sites`).set('Authorization', h.admin).send({ name });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; credential: string };
  };
  const lease = (credential: string | undefined, body: object) => {
    const req = request(h.server).put(`${api}/sharing/lease`);
    return (credential ? req.set('Authorization', `Bearer ${credential}`) : req).send(body);
  };
  const pool = async () =>
    (await request(h.server).get(`${api}/sharing/pool`).set('Authorization', h.admin)).body.items.find((i: any) => i.metric === 'hosts');
  const records = async (action: string) =>
    (await request(h.server).get(`${api}/records?action=${action}&limit=200`).set('Authorization', h.admin)).body.items as Array<{
      detail: string;
      quota: Record<string, number>;
      actor: string;
    }>;
  const status = async () => (await request(h.server).get(`${api}/status`).set('Authorization', h.reader)).body;

  it('registers a site behind sharing.manage: the credential is shown once, 256 random bits, and never listed', async () => {
    const denied = await request(h.server).post(`${api}/sharing/sites`).set('Authorization', h.reader).send({ name: 'Lab' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/license-management\.sharing\.manage/);
    expect((await request(h.server).post(`${api}/sharing/sites`).set('Authorization', h.admin).send({ name: '' })).status).toBe(400);

    const site = await addSite('Lab');
    expect(site).toEqual({ id: expect.any(String), name: 'Lab', credential: expect.stringMatching(/^[\w-]+\.[\w-]{43}$/) });
    const listed = await request(h.server).get(`${api}/sharing/sites`).set('Authorization', h.admin);
    expect(listed.status).toBe(200);
    expect(listed.body).toContainEqual({ id: site.id, name: 'Lab', createdAt: new Date(h.clock.now).toISOString(), lastSeenAt: null, lease: null });
    expect(JSON.stringify(listed.body)).not.toContain(site.credential.split('.')[1]);
    expect((await request(h.server).get(`${api}/sharing/sites`).set('Authorization', h.reader)).status).toBe(403);
    expect((await request(h.server).get(`${api}/sharing/pool`).set('Authorization', h.reader)).status).toBe(403);
    expect((await records('site'))[0]).toMatchObject({ actor: 'user:default/admin', detail: `Registered client site 'Lab' (${site.id}).` });
    // The same name twice is a conflict.
    expect((await request(h.server).post(`${api}/sharing/sites`).set('Authorization', h.admin).send({ name: 'Lab' })).status).toBe(409);
  });

  it('answers 401 to a missing, malformed, unknown or Backstage credential, before reading the body', async () => {
    const site = await addSite('Auth');
    const wrongSecret = `${site.id}.${'A'.repeat(43)}`;
    for (const credential of [undefined, 'nonsense', wrongSecret, `00000000-0000-0000-0000-000000000000.${'A'.repeat(43)}`]) {
      const res = await lease(credential, { quota: { hosts: 1 } });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/client site credential/);
    }
    const backstage = await request(h.server).put(`${api}/sharing/lease`).set('Authorization', h.admin).send({});
    expect(backstage.status).toBe(401);
    expect((await lease(wrongSecret, { nonsense: true })).status).toBe(401);
    expect((await lease(site.credential, { nonsense: true })).status).toBe(400);
    expect((await request(h.server).delete(`${api}/sharing/lease`)).status).toBe(401);
    // A site credential opens the lease routes only.
    const elsewhere = await request(h.server).get(`${api}/status`).set('Authorization', `Bearer ${site.credential}`);
    expect(elsewhere.status).toBe(401);
  });

  it('grants all or nothing from the pool, says what is missing or available, and shows the lease on the server', async () => {
    const a = await addSite('Branch A');
    const b = await addSite('Branch B');
    expect(await pool()).toEqual({ metric: 'hosts', authorized: 10, usedLocally: 3, leased: 0, available: 7 });

    const granted = await lease(a.credential, { modules: ['vmware'], quota: { hosts: 5 } });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({
      edition: 'standard',
      modules: ['vmware'],
      quota: { hosts: 5 },
      expiresAt: new Date(h.clock.now + TTL_MS).toISOString(),
    });
    expect(await pool()).toEqual({ metric: 'hosts', authorized: 10, usedLocally: 3, leased: 5, available: 2 });
    const s = await status();
    expect(s.server.status).toBe('serving');
    expect(s.quotas.find((q: any) => q.metric === 'hosts')).toMatchObject({ authorized: 10, used: 3, leased: 5, exceeded: false });

    // Too much: all or nothing, naming what is available; nothing changes.
    const short = await lease(b.credential, { modules: ['vmware'], quota: { hosts: 3, 'vmware-cpus': 4 } });
    expect(short.status).toBe(409);
    expect(short.body.error.message).toMatch(/Hosts \(hosts\): 3 requested, 2 available/);
    const missing = await lease(b.credential, { modules: ['gpu', 'backup'], quota: { hosts: 1 } });
    expect(missing.status).toBe(409);
    expect(missing.body.error.message).toMatch(/no Plus license in force for .*\(backup\), .*\(gpu\)/);
    expect((await lease(b.credential, { modules: ['no-such-module'] })).status).toBe(400);
    expect((await lease(b.credential, { quota: { 'no-such-metric': 1 } })).status).toBe(400);
    expect((await pool()).leased).toBe(5);

    const sites = (await request(h.server).get(`${api}/sharing/sites`).set('Authorization', h.admin)).body;
    expect(sites.find((x: any) => x.id === a.id)).toMatchObject({
      lastSeenAt: new Date(h.clock.now).toISOString(),
      lease: { modules: ['vmware'], quota: { hosts: 5 }, expiresAt: new Date(h.clock.now + TTL_MS).toISOString() },
    });
    expect((await records('lease'))[0]).toMatchObject({ actor: `site:${a.id}`, quota: { hosts: 5 }, detail: expect.stringMatching(/^Lease granted to client site 'Branch A'/) });

    // A change counts what the site holds: 5 held + 2 available = 7.
    expect((await lease(a.credential, { modules: ['vmware'], quota: { hosts: 8 } })).status).toBe(409);
    expect((await lease(a.credential, { modules: ['vmware'], quota: { hosts: 7 } })).status).toBe(200);
    expect((await records('lease'))[0].detail).toMatch(/changed to modules vmware; quota hosts=7 \(was modules vmware; quota hosts=5\)/);
    expect((await lease(a.credential, { quota: { hosts: 1 } })).status).toBe(200);
    await request(h.server).delete(`${api}/sharing/lease`).set('Authorization', `Bearer ${a.credential}`).expect(204);
    await request(h.server).delete(`${api}/sharing/lease`).set('Authorization', `Bearer ${b.credential}`).expect(204);
  });

  it('renews unchanged terms without a record, and never refuses them because the server’s own use grew (QUOTA_EXCEEDED here instead)', async () => {
    const site = await addSite('Renewer');
    const terms = { quota: { hosts: 5 } };
    expect((await lease(site.credential, terms)).status).toBe(200);
    const before = (await records('lease')).length;
    await h.service.reportUsage('hosts', 9);
    for (let i = 0; i < 3; i++) {
      h.clock.now += 10_000;
      const renewed = await lease(site.credential, terms);
      expect(renewed.status).toBe(200);
      expect(renewed.body.expiresAt).toBe(new Date(h.clock.now + TTL_MS).toISOString());
    }
    expect((await records('lease')).length).toBe(before);
    const s = await status();
    expect(s.quotas.find((q: any) => q.metric === 'hosts')).toMatchObject({ used: 9, leased: 5, exceeded: true });
    expect(s.exceptions).toContainEqual(expect.objectContaining({ code: 'QUOTA_EXCEEDED', metric: 'hosts' }));
    // A bigger request does not fit now (0 available + 5 held).
    expect((await lease(site.credential, { quota: { hosts: 6 } })).body.error.message).toMatch(/6 requested, 5 available/);
    await h.service.reportUsage('hosts', 3);
    await request(h.server).delete(`${api}/sharing/lease`).set('Authorization', `Bearer ${site.credential}`).expect(204);
    expect((await records('lease'))[0].detail).toMatch(/^Lease released by client site 'Renewer'/);
    expect((await pool()).leased).toBe(0);
  });

  it('ends a lease leaseTtl after its last renewal: ignored at once, recorded by the reaper (a global task)', async () => {
    expect((await scheduler.getScheduledTasks()).filter(t => t.id === LEASE_REAPER_TASK_ID)).toEqual([
      expect.objectContaining({ scope: 'global' }),
    ]);
    const a = await addSite('Sleeper');
    const b = await addSite('Waiter');
    expect((await lease(a.credential, { quota: { hosts: 7 } })).status).toBe(200);
    expect((await lease(b.credential, { quota: { hosts: 7 } })).status).toBe(409);
    h.clock.now += TTL_MS - 1;
    expect((await lease(b.credential, { quota: { hosts: 7 } })).status).toBe(409);
    h.clock.now += 1;
    // Past its expiry, before any reaper ran: the pool has it back and B gets it.
    expect((await pool()).leased).toBe(0);
    const sites = (await request(h.server).get(`${api}/sharing/sites`).set('Authorization', h.admin)).body;
    expect(sites.find((x: any) => x.id === a.id).lease).toBeNull();
    expect((await lease(b.credential, { quota: { hosts: 7 } })).status).toBe(200);
    expect((await records('lease'))[1].detail).toMatch(/^Lease of client site 'Sleeper' .* expired/);
    // A's renewal now is a new request, refused: B holds the quota.
    expect((await lease(a.credential, { quota: { hosts: 7 } })).status).toBe(409);

    h.clock.now += TTL_MS;
    await scheduler.triggerTask(LEASE_REAPER_TASK_ID);
    expect((await records('lease'))[0].detail).toMatch(/^Lease of client site 'Waiter' .* expired/);
    expect((await pool()).leased).toBe(0);
    expect((await status()).quotas.find((q: any) => q.metric === 'hosts').leased).toBe(0);
  });

  it('revoking a site ends its lease at once and its credential stops working', async () => {
    const site = await addSite('Revoked');
    expect((await lease(site.credential, { quota: { hosts: 4 } })).status).toBe(200);
    expect((await pool()).leased).toBe(4);
    expect((await request(h.server).delete(`${api}/sharing/sites/${site.id}`).set('Authorization', h.reader)).status).toBe(403);
    expect((await request(h.server).delete(`${api}/sharing/sites/${site.id}`).set('Authorization', h.admin)).status).toBe(204);
    expect((await pool()).leased).toBe(0);
    expect((await status()).quotas.find((q: any) => q.metric === 'hosts').leased).toBe(0);
    expect((await lease(site.credential, { quota: { hosts: 4 } })).status).toBe(401);
    expect((await request(h.server).delete(`${api}/sharing/lease`).set('Authorization', `Bearer ${site.credential}`)).status).toBe(401);
    const listed = (await request(h.server).get(`${api}/sharing/sites`).set('Authorization', h.admin)).body;
    expect(listed.map((s: any) => s.id)).not.toContain(site.id);
    expect((await records('site'))[0].detail).toMatch(/^Revoked client site 'Revoked'/);
    expect((await records('lease'))[0].detail).toMatch(/ended: the site was revoked/);
    expect((await request(h.server).delete(`${api}/sharing/sites/${site.id}`).set('Authorization', h.admin)).status).toBe(404);
  });

  it('refuses the renewal of a lease the licenses no longer cover (a module deleted); the reaper ends it', async () => {
    const site = await addSite('Module user');
    expect((await lease(site.credential, { modules: ['vmware'] })).status).toBe(200);
    const vmware = (await request(h.server).get(`${api}/licenses`).set('Authorization', h.admin)).body.find((l: any) => l.item === 'vmware');
    expect((await request(h.server).delete(`${api}/licenses/${vmware.id}`).set('Authorization', h.admin)).status).toBe(204);
    const renewal = await lease(site.credential, { modules: ['vmware'] });
    expect(renewal.status).toBe(409);
    expect(renewal.body.error.message).toMatch(/no Plus license in force for .*\(vmware\)/);
    await scheduler.triggerTask(LEASE_REAPER_TASK_ID);
    expect((await records('lease'))[0].detail).toMatch(/no longer cover modules vmware/);
    const listed = (await request(h.server).get(`${api}/sharing/sites`).set('Authorization', h.admin)).body;
    expect(listed.find((x: any) => x.id === site.id).lease).toBeNull();
  });
});

describe('a portal without sharing enabled', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('answers 404 on the lease and site routes, and is not serving', async () => {
    expect((await request(h.server).put(`${api}/sharing/lease`).send({})).status).toBe(404);
    expect((await request(h.server).delete(`${api}/sharing/lease`)).status).toBe(404);
    const sites = await request(h.server).get(`${api}/sharing/sites`).set('Authorization', h.admin);
    expect(sites.status).toBe(404);
    expect(sites.body.error.message).toMatch(/licenseManagement\.sharing\.enabled/);
    expect((await request(h.server).get(`${api}/status`).set('Authorization', h.reader)).body.server.status).toBe('not-configured');
  });

  it('keeps every other route behind Backstage auth', async () => {
    const none = mockCredentials.none.header();
    expect((await request(h.server).get(`${api}/status`).set('Authorization', none)).status).toBe(401);
    expect((await request(h.server).get(`${api}/sharing/pool`).set('Authorization', none)).status).toBe(401);
    expect((await request(h.server).post(`${api}/sharing/sites`).set('Authorization', none).send({ name: 'x' })).status).toBe(401);
  });
});
