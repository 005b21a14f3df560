import { buildTarGz } from '@backstage-licensing/license-vendor';
import { LICENSE_FILE_LIMITS } from '@backstage-licensing/plugin-license-management-common';
import request from 'supertest';
import { DAY, type Harness, startHarness } from '../testing/harness';

jest.setTimeout(30_000);

const api = '/api/license-management';

async function status(h: Harness) {
  return (await request(h.server).get(`${api}/status`).set('Authorization', h.reader)).body;
}

async function check(h: Harness, body: object) {
  return (await request(h.server).post(`${api}/check`).set('Authorization', h.reader).send(body)).body;
}

describe('uploading licenses', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  it('installs a Base and Plus licenses from one text file and reports the edition', async () => {
    const base = await h.token({ type: 'base', item: 'enterprise-prepaid', quota: { hosts: 100 } });
    const vmware = await h.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 32 } });
    const res = await h.upload(`# licenses for Example Corp\n${base}\n\n${vmware}\n`);
    expect(res.status).toBe(201);
    expect(res.body.installed.map((l: any) => l.item)).toEqual(['enterprise-prepaid', 'vmware']);
    expect(res.body.unchanged).toEqual([]);

    const s = await status(h);
    expect(s).toMatchObject({ edition: 'enterprise-prepaid', state: 'valid', method: 'request-key', exceptions: [] });
    expect(s.base).toMatchObject({ item: 'enterprise-prepaid', state: 'valid', deletable: false });
    expect(s.plus).toEqual([expect.objectContaining({ item: 'vmware', state: 'valid', deletable: true })]);
    expect(s.quotas).toEqual(
      expect.arrayContaining([expect.objectContaining({ metric: 'hosts', authorized: 100, used: 0 })]),
    );
    expect(await check(h, { feature: 'vmware' })).toMatchObject({ allowed: true, code: 'OK' });
    expect(await check(h, { feature: 'gpu' })).toMatchObject({ allowed: true, code: 'OK' });
    expect(await check(h, { feature: 'backup' })).toMatchObject({ allowed: false, code: 'NOT_LICENSED' });
    expect(await check(h, { feature: 'vmware', metric: 'vmware-cpus', amount: 32 })).toMatchObject({ allowed: true });
    expect(await check(h, { feature: 'vmware', metric: 'vmware-cpus', amount: 33 })).toMatchObject({
      allowed: false,
      code: 'QUOTA_EXCEEDED',
    });

    const records = (await request(h.server).get(`${api}/records`).set('Authorization', h.admin)).body;
    expect(records.items.map((r: any) => [r.action, r.item, r.actor])).toEqual([
      ['upload', 'vmware', 'user:default/admin'],
      ['upload', 'enterprise-prepaid', 'user:default/admin'],
    ]);
    expect(records.nextCursor).toBeNull();
  });

  it('installs from a .tar.gz told apart by content, as raw body or multipart', async () => {
    const base = await h.token({ type: 'base', item: 'standard' });
    const plus = await h.token({ type: 'plus', item: 'backup' });
    const archive = buildTarGz([
      { path: 'licenses/', type: 'Directory' },
      { path: 'licenses/base.lic', content: `${base}\n` },
      { path: 'licenses/plus.lic', content: `# plus\n${plus}\n` },
    ]);
    const res = await h.upload(archive, 'application/octet-stream');
    expect(res.status).toBe(201);
    expect(res.body.installed).toHaveLength(2);

    const other = await h.token({ type: 'plus', item: 'sdn' });
    const multipart = await request(h.server)
      .post(`${api}/licenses`)
      .set('Authorization', h.admin)
      .attach('file', buildTarGz([{ path: 'sdn.lic', content: other }]), 'whatever.txt');
    expect(multipart.status).toBe(201);
    expect(multipart.body.installed.map((l: any) => l.item)).toEqual(['sdn']);
  });

  it('treats an identical re-upload as unchanged (200) and a known id with other content as a conflict (409)', async () => {
    const base = await h.token({ type: 'base', item: 'standard' }, { jti: 'fixed-id' });
    expect((await h.upload(base)).status).toBe(201);
    const again = await h.upload(base);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ installed: [], unchanged: [expect.objectContaining({ id: 'fixed-id' })] });

    const before = await h.snapshot();
    const other = await h.token({ type: 'base', item: 'enterprise-trial' }, { jti: 'fixed-id' });
    const res = await h.upload(other);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('fixed-id');
    await h.expectRejected(before, /A different license with the id 'fixed-id' is already installed/);
  });

  it('keeps the newest valid license in force, marks the older superseded and brings it back on delete', async () => {
    await h.upload(await h.token({ type: 'base', item: 'standard' }));
    const first = await h.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 8 } }, { jti: 'vm-1' });
    const second = await h.token({ type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 16 } }, { jti: 'vm-2' });
    await h.upload(first);
    await h.upload(second);
    const listed = (await request(h.server).get(`${api}/licenses`).set('Authorization', h.reader)).body;
    expect(listed.map((l: any) => [l.id, l.state])).toEqual(
      expect.arrayContaining([
        ['vm-1', 'superseded'],
        ['vm-2', 'valid'],
      ]),
    );
    expect((await status(h)).quotas).toEqual(
      expect.arrayContaining([expect.objectContaining({ metric: 'vmware-cpus', authorized: 16 })]),
    );
    const replaced = (await request(h.server).get(`${api}/records?action=replace`).set('Authorization', h.admin)).body;
    expect(replaced.items).toEqual([expect.objectContaining({ licenseId: 'vm-1', state: 'superseded', detail: 'replaced by vm-2' })]);

    const del = await request(h.server).delete(`${api}/licenses/vm-2`).set('Authorization', h.admin);
    expect(del.status).toBe(204);
    const after = (await request(h.server).get(`${api}/licenses`).set('Authorization', h.reader)).body;
    expect(after.map((l: any) => l.id)).not.toContain('vm-2');
    expect(after.find((l: any) => l.id === 'vm-1').state).toBe('valid');
    const deleted = (await request(h.server).get(`${api}/records?action=delete`).set('Authorization', h.admin)).body;
    expect(deleted.items).toEqual([expect.objectContaining({ licenseId: 'vm-2', actor: 'user:default/admin' })]);

    // The token of a deleted license installs again.
    expect((await h.upload(second)).status).toBe(201);
    expect((await status(h)).plus).toEqual([expect.objectContaining({ id: 'vm-2' })]);
  });

  it('refuses to delete a Base license (409) or an unknown one (404), changing nothing', async () => {
    const base = await h.token({ type: 'base', item: 'standard' }, { jti: 'the-base' });
    await h.upload(base);
    const before = await h.snapshot();
    const res = await request(h.server).delete(`${api}/licenses/the-base`).set('Authorization', h.admin);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/Base license.*cannot be deleted/);
    const missing = await request(h.server).delete(`${api}/licenses/nope`).set('Authorization', h.admin);
    expect(missing.status).toBe(404);
    expect(await h.snapshot()).toEqual(before);
  });

  it('accepts a new Base while the old one has expired, and recovers the portal', async () => {
    await h.upload(await h.token({ type: 'base', item: 'standard' }, { exp: Math.floor(h.clock.now / 1000) + 86_400 }));
    h.clock.now += 2 * DAY;
    const expired = await status(h);
    expect(expired).toMatchObject({ edition: 'standard', state: 'expired' });
    expect(expired.exceptions.map((e: any) => e.code)).toContain('LICENSE_EXPIRED');
    expect(await check(h, { feature: 'virtualization' })).toMatchObject({ allowed: false, code: 'EXPIRED' });
    expect(await check(h, { feature: 'license-management' })).toMatchObject({ allowed: true });

    const res = await h.upload(await h.token({ type: 'base', item: 'enterprise-prepaid' }));
    expect(res.status).toBe(201);
    expect(await status(h)).toMatchObject({ edition: 'enterprise-prepaid', state: 'valid', exceptions: [] });
  });

  it('warns of an expiry within 15 days unless a renewal is loaded', async () => {
    const now = Math.floor(h.clock.now / 1000);
    await h.upload(await h.token({ type: 'base', item: 'standard' }, { exp: now + 10 * 86_400 }));
    const warned = await status(h);
    expect(warned.exceptions).toEqual([
      expect.objectContaining({ code: 'LICENSE_EXPIRING', slot: 'base', daysLeft: 10 }),
    ]);
    const renewal = await h.token({ type: 'base', item: 'standard' }, { nbf: now + 9 * 86_400, exp: now + 400 * 86_400 });
    const res = await h.upload(renewal);
    expect(res.body.installed[0].state).toBe('pending');
    expect((await status(h)).exceptions).toEqual([]);
  });
});

describe('rejected uploads change nothing', () => {
  let h: Harness;
  let installed: string;
  beforeAll(async () => {
    h = await startHarness();
    installed = await h.token({ type: 'base', item: 'standard' });
    await h.upload(installed);
  });
  afterAll(() => h.stop());

  const cases: [string, (h: Harness) => Promise<{ body: string | Buffer; type?: string }>, number, RegExp][] = [
    ['an unknown vendor key', async x => ({ body: (await x.token({ type: 'plus', item: 'gpu' })).replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'other' })).toString('base64url')) }), 400, /unknown vendor key 'other'/],
    ['a tampered payload', async x => {
      const [hd, , sig] = (await x.token({ type: 'plus', item: 'gpu' })).split('.');
      const forged = Buffer.from(JSON.stringify({ jti: 'x', iss: 'x', sub: x.keyId, iat: 1, exp: 4102444800, license: { type: 'base', item: 'enterprise-prepaid', method: 'request-key' } })).toString('base64url');
      return { body: `${hd}.${forged}.${sig}` };
    }, 400, /signature does not verify/],
    ['alg none', async () => ({ body: `${Buffer.from('{"alg":"none","kid":"test-vendor"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.` }), 400, /algorithm 'none' is not accepted/],
    ['another installation', async x => ({ body: await x.token({ type: 'plus', item: 'gpu' }, { sub: 'AAAAA-BBBBB-CCCCC-DDDDD' }) }), 400, /bound to Key ID 'AAAAA-BBBBB-CCCCC-DDDDD'/],
    ['an expired license', async x => ({ body: await x.token({ type: 'plus', item: 'gpu' }, { iat: 1_600_000_000, exp: 1_700_000_000 }) }), 400, /expired on/],
    // USB key licensing is off here: the message says how to turn it on and which key to plug in (usbKeyRoutes.test.ts: on).
    ['a USB key that is not plugged in', async x => ({ body: await x.token({ type: 'plus', item: 'gpu', method: 'usb-key' }) }), 400, /bound to USB key .*plug the USB key with serial .* into a management node and press Refresh/],
    ['one bad token among good ones', async x => ({ body: `${await x.token({ type: 'plus', item: 'gpu' })}\nnot.a.token\n` }), 400, /License 2 \(line 2\) was rejected/],
    ['garbage', async () => ({ body: Buffer.from([0, 1, 2, 3, 255]), type: 'application/octet-stream' }), 400, /neither a text license file nor a \.tar\.gz/],
    ['an archive with path traversal', async x => ({ body: buildTarGz([{ path: '../evil.lic', content: await x.token({ type: 'plus', item: 'gpu' }) }]), type: 'application/gzip' }), 400, /leaves the archive/],
    ['an archive with a symlink', async () => ({ body: buildTarGz([{ path: 'link', type: 'SymbolicLink', linkpath: '/etc/passwd' }]), type: 'application/gzip' }), 400, /is a link/],
    ['an upload over 1 MiB', async () => ({ body: 'x'.repeat(LICENSE_FILE_LIMITS.maxUploadBytes + 1) }), 413, /at most 1 MiB/],
    ['a JSON body', async () => ({ body: '{"a":1}', type: 'application/json' }), 400, /Content-Type text\/plain or application\/gzip/],
    ['an empty body', async () => ({ body: '' }), 400, /empty/],
  ];

  it.each(cases)('refuses %s, leaving one rejected record with the reason and no license change', async (_name, make, statusCode, message) => {
    const before = await h.snapshot();
    const { body, type } = await make(h);
    const res = await h.upload(body, type);
    expect(res.status).toBe(statusCode);
    expect(res.body.error.message).toMatch(message);
    await h.expectRejected(before, message);
    const [record] = ((await h.snapshot()).records as any).items;
    expect(record.detail).toBe(res.body.error.message);
  });

  it('refuses a Plus license without a valid Base', async () => {
    const fresh = await startHarness();
    const before = await fresh.snapshot();
    const res = await fresh.upload(await fresh.token({ type: 'plus', item: 'gpu' }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/needs a valid Base license: install a Base license first, or upload it in the same file/);
    await fresh.expectRejected(before, /needs a valid Base license/);
    await fresh.stop();
  });
});
