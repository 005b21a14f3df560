import { TestDatabases } from '@backstage/backend-test-utils';
import {
  generateEd25519KeyPair,
  keyIdOf,
  verifyLicenseToken,
} from '@backstage-licensing/plugin-license-management-node';
import { ADMIN, codes, DAY, replica, sign, stored, T0, type TestClocks } from './testReplica';

// Counts verifications, to prove which paths verify tokens and which do not.
jest.mock('@backstage-licensing/plugin-license-management-node', () => {
  const actual = jest.requireActual('@backstage-licensing/plugin-license-management-node');
  return { ...actual, verifyLicenseToken: jest.fn(actual.verifyLicenseToken) };
});
const verify = jest.mocked(verifyLicenseToken);

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const Y2099 = Date.UTC(2099, 11, 31);

describe.each(databases.eachSupportedId())('stored licenses stay signed, on %p', databaseId => {
  let clocks: TestClocks;
  beforeEach(() => {
    clocks = { now: T0, mono: 0 };
  });

  async function installed() {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    const base = await sign(a.keyId, T0, { type: 'base', item: 'standard', quota: { hosts: 10 } }, { jti: 'base-1' });
    const backup = await sign(a.keyId, T0, { type: 'plus', item: 'backup' }, { jti: 'backup-1' });
    await a.upload(Buffer.from(`${base}\n${backup}\n`), ADMIN);
    expect(a.status()).toMatchObject({ edition: 'standard', state: 'valid' });
    return { knex, a, base, backup };
  }

  it('ignores an UPDATE that turns a standard/hosts=10 Base into enterprise-prepaid/hosts=1000000 until 2099, on start and on reload', async () => {
    const { knex, a } = await installed();
    await knex('license_licenses')
      .where({ id: 'base-1' })
      .update({ item: 'enterprise-prepaid', quota: JSON.stringify({ hosts: 1_000_000 }), expires_at: Y2099 });
    const before = await stored(knex);

    // A restart: the row is judged from its token, not its columns.
    const b = await replica(knex, clocks);
    expect(b.status()).toMatchObject({ edition: 'community', state: 'community', base: null });
    expect(b.status().quotas.find(q => q.metric === 'hosts')).toBeUndefined();
    expect(b.check({ feature: 'gpu' })).toMatchObject({ allowed: false, code: 'NOT_LICENSED' });
    expect(b.check({ feature: 'backup' }).allowed).toBe(false);
    const tampered = b.status().exceptions.filter(e => e.code === 'LICENSE_TAMPERED');
    expect(tampered).toEqual([expect.objectContaining({ licenseId: 'base-1' })]);
    expect(tampered[0].message).toMatch(/'base-1'.*column 'item' says 'enterprise-prepaid' but its signed token says 'standard'/);
    expect(b.listLicenses().map(l => [l.id, l.state, l.deletable])).toEqual([
      ['base-1', 'tampered', true],
      ['backup-1', 'valid', true],
    ]);
    expect(await stored(knex)).toEqual(before);

    // A reload on the replica that had it in memory: the same answer.
    await a.sync(true);
    expect(a.status().edition).toBe('community');
    expect(codes(a)).toContain('LICENSE_TAMPERED');
    expect(await stored(knex)).toEqual(before);
  });

  it('catches an edited column on a replica sync too, where unchanged tokens are not verified twice', async () => {
    const { knex, a } = await installed();
    const b = await replica(knex, clocks);
    await knex('license_licenses').where({ id: 'base-1' }).update({ quota: JSON.stringify({ hosts: 1_000_000 }) });
    // Any change makes the other replica reload.
    await b.reportUsage('hosts', 1, 'plugin:test');
    verify.mockClear();
    await a.sync(false);
    expect(verify).not.toHaveBeenCalled();
    expect(a.listLicenses().find(l => l.id === 'base-1')?.state).toBe('tampered');
    expect(a.status().exceptions.find(e => e.code === 'LICENSE_TAMPERED')?.message).toMatch(
      /column 'quota' says hosts=1000000 but its signed token says hosts=10/,
    );
  });

  it('does not honour an inserted row with a made-up token, nor one with another installation\'s genuine token', async () => {
    const { knex, a } = await installed();
    const otherKeyId = keyIdOf(generateEd25519KeyPair().publicKeyPem);
    const foreign = await sign(otherKeyId, T0, { type: 'plus', item: 'vmware', quota: { 'vmware-cpus': 64 } }, { jti: 'foreign-1' });
    const row = {
      type: 'plus',
      method: 'request-key',
      key_id: a.keyId,
      issuer: 'v1',
      issued_at: T0,
      expires_at: Y2099,
      uploaded_at: T0,
      uploaded_by: ADMIN,
    };
    await knex('license_licenses').insert([
      { ...row, id: 'made-up', token: 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJtYWRlLXVwIn0.AAAA', item: 'gpu', quota: '{}' },
      { ...row, id: 'foreign-1', token: foreign, item: 'vmware', quota: JSON.stringify({ 'vmware-cpus': 64 }), key_id: otherKeyId },
    ]);
    const before = await stored(knex);

    await a.sync(true);
    expect(a.check({ feature: 'gpu' }).allowed).toBe(false);
    expect(a.check({ feature: 'vmware' }).allowed).toBe(false);
    expect(a.status()).toMatchObject({ edition: 'standard', state: 'valid' });
    const states = Object.fromEntries(a.listLicenses().map(l => [l.id, l.state]));
    expect(states).toEqual({ 'base-1': 'valid', 'backup-1': 'valid', 'made-up': 'tampered', 'foreign-1': 'tampered' });
    const messages = Object.fromEntries(
      a.status().exceptions.filter(e => e.code === 'LICENSE_TAMPERED').map(e => [e.licenseId, e.message]),
    );
    expect(messages['made-up']).toMatch(/does not verify/);
    expect(messages['foreign-1']).toMatch(new RegExp(`bound to Key ID '${otherKeyId}'`));
    // The reload appended its own record; nothing else changed.
    const after = await stored(knex);
    expect(after.licenses).toEqual(before.licenses);
    expect(after.records).toEqual(before.records);
  });

  it('does not honour a row whose token was swapped for another genuine license of this installation', async () => {
    const { knex, a } = await installed();
    const enterprise = await sign(a.keyId, T0, { type: 'base', item: 'enterprise-prepaid' }, { jti: 'ent-1' });
    await knex('license_licenses').where({ id: 'base-1' }).update({ token: enterprise });
    await a.sync(true);
    expect(a.status().edition).toBe('community');
    expect(a.status().exceptions.find(e => e.licenseId === 'base-1')?.message).toMatch(
      /column 'id' says 'base-1' but its signed token says 'ent-1'/,
    );
  });

  it('restores a tampered license when its file is uploaded again, and deletes a tampered row on request; both recorded', async () => {
    const { knex, a, base } = await installed();
    await knex('license_licenses').where({ id: 'base-1' }).update({ quota: JSON.stringify({ hosts: 1_000_000 }) });
    await knex('license_licenses').insert({
      id: 'made-up',
      token: 'eyJhbGciOiJFZERTQSJ9.e30.AAAA',
      type: 'base',
      item: 'enterprise-prepaid',
      method: 'request-key',
      key_id: a.keyId,
      issuer: 'v1',
      quota: '{}',
      issued_at: T0,
      expires_at: Y2099,
      uploaded_at: T0,
      uploaded_by: ADMIN,
    });
    await a.sync(true);
    expect(codes(a).filter(c => c === 'LICENSE_TAMPERED')).toHaveLength(2);

    const result = await a.upload(Buffer.from(base), ADMIN);
    expect(result.installed.map(l => [l.id, l.state, l.quota])).toEqual([['base-1', 'valid', { hosts: 10 }]]);
    expect(a.status()).toMatchObject({ edition: 'standard', state: 'valid' });
    await a.delete('made-up', ADMIN);
    expect(codes(a)).not.toContain('LICENSE_TAMPERED');
    expect(a.listLicenses().map(l => [l.id, l.state])).toEqual([
      ['backup-1', 'valid'],
      ['base-1', 'valid'],
    ]);
    const { items } = await a.records({ limit: 10 });
    expect(items[0]).toMatchObject({ action: 'delete', licenseId: 'made-up', state: 'tampered' });
    expect(items[1]).toMatchObject({ action: 'upload', licenseId: 'base-1', state: 'valid', detail: expect.stringMatching(/restored/) });

    // A restart agrees: the restored row matches its token.
    const b = await replica(knex, clocks);
    expect(codes(b)).toEqual([]);
    expect(b.status().base?.quota).toEqual({ hosts: 10 });
  });

  it('verifies every token when licenses are loaded, and never on the check path', async () => {
    const { knex, a } = await installed();
    verify.mockClear();
    const b = await replica(knex, clocks);
    expect(verify).toHaveBeenCalledTimes(2);
    verify.mockClear();
    for (let i = 0; i < 10_000; i++) {
      b.check({ feature: i % 2 ? 'backup' : 'gpu' });
      b.check({ feature: 'vmware', metric: 'vmware-cpus', amount: 1 });
    }
    b.status();
    b.listLicenses();
    await b.sync(false);
    expect(verify).not.toHaveBeenCalled();
    await b.reload(ADMIN);
    expect(verify).toHaveBeenCalledTimes(2);
    // An upload verifies its own tokens once; the reload after it does not verify them again.
    verify.mockClear();
    await a.upload(Buffer.from(await sign(a.keyId, T0, { type: 'plus', item: 'gpu' })), ADMIN);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('keeps an expired stored license expired, not tampered', async () => {
    const { knex } = await installed();
    clocks.now += 400 * DAY;
    clocks.mono += 400 * DAY;
    const b = await replica(knex, clocks);
    expect(b.listLicenses().map(l => l.state)).toEqual(['expired', 'expired']);
    expect(codes(b)).toEqual(['LICENSE_EXPIRED']);
  });
});
