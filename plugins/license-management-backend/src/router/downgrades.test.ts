import { mockCredentials, mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import request from 'supertest';
import { DAY, type Harness, startHarness } from '../testing/harness';

jest.setTimeout(60_000);

const api = '/api/license-management';
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('downgrades and reinstatement, on %p', databaseId => {
  let h: Harness;
  let knex: Knex;
  beforeEach(async () => {
    knex = await databases.init(databaseId);
    h = await startHarness({}, { features: [mockServices.database.factory({ knex })] });
  });
  afterEach(() => h.stop());

  const status = async () => (await request(h.server).get(`${api}/status`).set('Authorization', h.reader)).body;
  const licenses = async () => (await request(h.server).get(`${api}/licenses`).set('Authorization', h.reader)).body;
  const records = async () =>
    (await request(h.server).get(`${api}/records?limit=200`).set('Authorization', h.admin)).body.items;
  const reportUse = (metric: string, used: number) =>
    request(h.server).put(`${api}/usage/${metric}`).set('Authorization', h.admin).send({ used }).expect(204);
  const reinstate = (id: string, query = '', as = h.admin) =>
    request(h.server).post(`${api}/licenses/${encodeURIComponent(id)}/reinstate${query}`).set('Authorization', as);
  const uploadWith = (query: string, body: string) =>
    request(h.server).post(`${api}/licenses${query}`).set('Authorization', h.admin).set('Content-Type', 'text/plain').send(body);
  const multipart = (query: string, body: string) =>
    request(h.server)
      .post(`${api}/licenses${query}`)
      .set('Authorization', h.admin)
      .attach('file', Buffer.from(body), 'standard.lic');

  /** Enterprise Prepaid with 100 hosts in force, 50 in use; a Standard Base with 20 hosts at hand. */
  async function enterpriseThenStandardFile() {
    const enterprise = await h.token({ type: 'base', item: 'enterprise-prepaid', quota: { hosts: 100 } }, { jti: 'ent' });
    expect((await h.upload(enterprise)).status).toBe(201);
    await reportUse('hosts', 50);
    const standard = await h.token({ type: 'base', item: 'standard', quota: { hosts: 20 } }, { jti: 'std' });
    return { enterprise, standard };
  }

  const CONSEQUENCES = [
    'The Base edition in force would change from Enterprise Prepaid to Standard, which has fewer features: GPU Service, CloudFormation and Auto-Scaling Service would no longer be licensed.',
    'The authorized Hosts would drop from 100 to 20 while 50 are in use, exceeding it by 30, so most features would be unavailable (QUOTA_EXCEEDED).',
  ];

  it('refuses a Standard Base over Enterprise Prepaid with 409 and its consequences, raw or multipart, and installs nothing', async () => {
    const { standard } = await enterpriseThenStandardFile();
    const before = await h.snapshot();

    for (const res of [await h.upload(standard), await multipart('', standard), await uploadWith('?acknowledge=false', standard)]) {
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/^Nothing was installed: this upload would reduce what the portal is licensed for \(2 consequences/);
      expect(res.body.message).toContain('?acknowledge=true');
      expect(res.body.consequences).toEqual(CONSEQUENCES);
      // Backstage's standard error body, with the same list inside.
      expect(res.body.error).toMatchObject({ name: 'ConflictError', message: res.body.message, consequences: CONSEQUENCES });
      expect(res.body.response).toEqual({ statusCode: 409 });
      expect(res.body.error.stack).toBeUndefined();
    }
    // Each refusal is recorded as `rejected`, with the reason; nothing else changed.
    await h.expectRejected(before, /^Nothing was installed: this upload would reduce what the portal is licensed for/, 3);
    const s = await status();
    expect(s.edition).toBe('enterprise-prepaid');
    expect(s.exceptions).toEqual([]);
  });

  it('installs the downgrade with ?acknowledge=true and says what it superseded', async () => {
    const { standard } = await enterpriseThenStandardFile();
    const res = await multipart('?acknowledge=true', standard);
    expect(res.status).toBe(201);
    expect(res.body.installed.map((l: any) => [l.id, l.state])).toEqual([['std', 'valid']]);
    expect(res.body.unchanged).toEqual([]);
    expect(res.body.superseded).toEqual([
      expect.objectContaining({ id: 'ent', item: 'enterprise-prepaid', type: 'base', state: 'superseded' }),
    ]);
    const s = await status();
    expect(s.edition).toBe('standard');
    expect(s.exceptions.map((e: any) => e.code)).toEqual(['QUOTA_EXCEEDED']);
    // The page words the degraded state from what the server decided.
    expect(s.state).toBe('valid');
    expect(s.degradedBy).toEqual(['QUOTA_EXCEEDED']);
    expect((await records()).slice(0, 2).map((r: any) => [r.action, r.licenseId, r.detail])).toEqual([
      ['replace', 'ent', 'replaced by std'],
      ['upload', 'std', null],
    ]);
  });

  it('reports what an ordinary newer upload superseded, and an empty list when nothing was', async () => {
    const first = await h.token({ type: 'base', item: 'enterprise-prepaid', quota: { hosts: 100 } }, { jti: 'first' });
    const first201 = await h.upload(first);
    expect(first201.body.superseded).toEqual([]);
    const renewal = await h.token({ type: 'base', item: 'enterprise-prepaid', quota: { hosts: 100 } }, { jti: 'renewal' });
    const res = await h.upload(renewal);
    expect(res.status).toBe(201);
    expect(res.body.superseded.map((l: any) => l.id)).toEqual(['first']);
    const again = await h.upload(renewal);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ installed: [], superseded: [] });
  });

  it('refuses a downgrade that only starts later, saying from when', async () => {
    const enterprise = await h.token({ type: 'base', item: 'enterprise-prepaid' });
    await h.upload(enterprise).expect(201);
    const nbf = Math.floor((h.clock.now + 30 * DAY) / 1000);
    const later = await h.token({ type: 'base', item: 'standard' }, { nbf });
    const res = await h.upload(later);
    expect(res.status).toBe(409);
    expect(res.body.consequences).toEqual([
      expect.stringMatching(/^From 2026-07-01 \(UTC\), the Base edition in force would change from Enterprise Prepaid to Standard/),
    ]);
    expect((await uploadWith('?acknowledge=true', later)).status).toBe(201);
  });

  it('takes only true or false for acknowledge (400, nothing installed)', async () => {
    const { standard } = await enterpriseThenStandardFile();
    const before = await h.snapshot();
    for (const query of ['?acknowledge=yes', '?acknowledge=TRUE', '?acknowledge=true&acknowledge=true']) {
      const res = await uploadWith(query, standard);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/'acknowledge' must be 'true'/);
      expect((await reinstate('ent', query)).status).toBe(400);
    }
    expect(await h.snapshot()).toEqual(before);
  });

  it('reinstates a superseded license: re-uploading the old file cannot, POST /licenses/:id/reinstate does', async () => {
    const { enterprise, standard } = await enterpriseThenStandardFile();
    await uploadWith('?acknowledge=true', standard).expect(201);

    // The trap: the old file is unchanged and changes nothing.
    const again = await h.upload(enterprise);
    expect(again.status).toBe(200);
    expect(again.body.unchanged.map((l: any) => [l.id, l.state])).toEqual([['ent', 'superseded']]);
    expect((await status()).edition).toBe('standard');

    // Back to Enterprise: an upgrade, no acknowledgement needed.
    h.clock.now += 60_000;
    const res = await reinstate('ent');
    expect(res.status).toBe(200);
    expect(res.body.reinstated).toMatchObject({ id: 'ent', state: 'valid', uploadedAt: new Date(h.clock.now).toISOString() });
    expect(res.body.superseded).toEqual([expect.objectContaining({ id: 'std', state: 'superseded' })]);
    const s = await status();
    expect(s.edition).toBe('enterprise-prepaid');
    expect(s.exceptions).toEqual([]);
    // It is the newest upload now.
    expect((await licenses()).map((l: any) => [l.id, l.state])).toEqual([
      ['std', 'superseded'],
      ['ent', 'valid'],
    ]);
    expect((await records()).slice(0, 2).map((r: any) => [r.action, r.licenseId, r.state, r.actor, r.detail])).toEqual([
      ['replace', 'std', 'superseded', 'user:default/admin', 'replaced by ent'],
      ['reinstate', 'ent', 'valid', 'user:default/admin', 'back in force; supersedes std'],
    ]);
    const filtered = (await request(h.server).get(`${api}/records?action=reinstate`).set('Authorization', h.admin)).body;
    expect(filtered.items.map((r: any) => r.licenseId)).toEqual(['ent']);

    // The same acknowledgement applies to a reinstatement that downgrades.
    const before = await h.snapshot();
    const refused = await reinstate('std');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/^The license was not reinstated/);
    expect(refused.body.consequences).toEqual(CONSEQUENCES);
    expect(refused.body.error.consequences).toEqual(CONSEQUENCES);
    expect(await h.snapshot()).toEqual(before);
    const acknowledged = await reinstate('std', '?acknowledge=true');
    expect(acknowledged.status).toBe(200);
    expect((await status()).edition).toBe('standard');
  });

  it('reinstates a superseded Plus license, with the quota its use needs', async () => {
    await h.upload(await h.token({ type: 'base', item: 'standard' })).expect(201);
    const big = await h.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 64 } }, { jti: 'vm-big' });
    const small = await h.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 8 } }, { jti: 'vm-small' });
    await h.upload(big).expect(201);
    await h.upload(small).expect(201);
    await reportUse('vmware-cpus', 6);
    expect((await reinstate('vm-big')).status).toBe(200);
    await reportUse('vmware-cpus', 9);
    const refused = await reinstate('vm-small');
    expect(refused.status).toBe(409);
    expect(refused.body.consequences).toEqual([
      'The authorized VMware CPUs would drop from 64 to 8 while 9 are in use, exceeding it by 1, so most features would be unavailable (QUOTA_EXCEEDED).',
    ]);
  });

  it('refuses to reinstate what is not superseded: 404 unknown, 409 saying the state and what to do', async () => {
    const ent = await h.token({ type: 'base', item: 'enterprise-prepaid' }, { jti: 'valid-one', exp: Math.floor((h.clock.now + 10 * DAY) / 1000) });
    const pending = await h.token({ type: 'base', item: 'enterprise-prepaid' }, { jti: 'pending-one', nbf: Math.floor((h.clock.now + 40 * DAY) / 1000) });
    await h.upload(`${ent}\n${pending}`).expect(201);
    const before = await h.snapshot();

    const unknown = await reinstate('no-such-license');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/No installed license has the id 'no-such-license'/);

    const valid = await reinstate('valid-one');
    expect(valid.status).toBe(409);
    expect(valid.body.error.message).toBe("License 'valid-one' is already in force (state valid); there is nothing to reinstate.");

    const early = await reinstate('pending-one');
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/is pending \(state pending\): it starts on 2026-07-11 \(UTC\)/);
    expect(await h.snapshot()).toEqual(before);

    h.clock.now += 11 * DAY;
    const expired = await reinstate('valid-one');
    expect(expired.status).toBe(409);
    expect(expired.body.error.message).toMatch(/has expired \(state expired; its last valid day was 2026-06-11, UTC\).*Upload a renewed license/);
  });

  it('refuses to reinstate a deleted or a tampered license', async () => {
    await h.upload(await h.token({ type: 'base', item: 'standard' }, { jti: 'b' })).expect(201);
    await h.upload(await h.token({ type: 'plus', item: 'sdn' }, { jti: 'sdn-1' })).expect(201);
    await h.upload(await h.token({ type: 'plus', item: 'sdn' }, { jti: 'sdn-2' })).expect(201);
    await request(h.server).delete(`${api}/licenses/sdn-1`).set('Authorization', h.admin).expect(204);
    expect((await reinstate('sdn-1')).status).toBe(404);

    await h.upload(await h.token({ type: 'base', item: 'standard' }, { jti: 'b2' })).expect(201);
    await knex('license_licenses').where({ id: 'b' }).update({ item: 'enterprise-prepaid' });
    await request(h.server).post(`${api}/reload`).set('Authorization', h.admin).expect(200);
    const before = await h.snapshot();
    const tampered = await reinstate('b');
    expect(tampered.status).toBe(409);
    expect(tampered.body.error.message).toMatch(/state tampered.*Upload its license file again/);
    expect(await h.snapshot()).toEqual(before);
  });

  it('lets only license admins reinstate (401 without credentials, 403 for readers)', async () => {
    const { standard } = await enterpriseThenStandardFile();
    await uploadWith('?acknowledge=true', standard).expect(201);
    const before = await h.snapshot();
    const anonymous = await reinstate('ent', '', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.name).toBe('AuthenticationError');
    const reader = await reinstate('ent', '', h.reader);
    expect(reader.status).toBe(403);
    expect(reader.body.error.message).toContain('license-management.license.create');
    expect(await h.snapshot()).toEqual(before);
  });
});
