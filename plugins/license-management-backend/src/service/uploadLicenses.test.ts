import { TestDatabases } from '@backstage/backend-test-utils';
import { isLicenseError } from '@backstage-licensing/plugin-license-management-common';
import { ADMIN, DAY, expectRejected, replica, sign, stored, T0, type TestClocks } from './testReplica';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const secondsOf = (ms: number) => Math.floor(ms / 1000);

describe.each(databases.eachSupportedId())('uploadLicenses on %p', databaseId => {
  let clocks: TestClocks;
  beforeEach(() => {
    clocks = { now: T0, mono: 0 };
  });
  const pass = (ms: number) => {
    clocks.now += ms;
    clocks.mono += ms;
  };

  async function withBase() {
    const knex = await databases.init(databaseId);
    const engine = await replica(knex, clocks);
    const base = await sign(engine.keyId, T0, { type: 'base', item: 'enterprise-prepaid', quota: { hosts: 100 } }, { jti: 'ent' });
    await engine.upload(Buffer.from(base), ADMIN);
    return { knex, engine, base };
  }

  it('each kind of refusal leaves exactly one rejected record, with the reason, and no license change', async () => {
    const { knex, engine, base } = await withBase();
    await engine.reportUsage('hosts', 50, 'user:default/ops');
    const other = await sign(engine.keyId, T0, { type: 'base', item: 'standard' }, { jti: 'ent' });
    const refusals: Array<[string, () => Promise<string>, string, RegExp]> = [
      ['a file with no license', async () => 'Dear vendor, here is our order.', 'invalid', /This file holds no license/],
      ['a rejected token', async () => sign('AAAAA-BBBBB-CCCCC-DDDDD', T0, { type: 'plus', item: 'gpu' }), 'invalid', /was rejected/],
      ['an id conflict', async () => other, 'conflict', /A different license with the id 'ent'/],
      [
        'an unacknowledged downgrade',
        async () => sign(engine.keyId, T0, { type: 'base', item: 'standard', quota: { hosts: 20 } }),
        'conflict',
        /^Nothing was installed: this upload would reduce what the portal is licensed for/,
      ],
    ];
    for (const [, file, kind, reason] of refusals) {
      const before = await stored(knex);
      const upload = engine.upload(Buffer.from(await file()), ADMIN);
      // A LicenseError (the file reader's LicenseFileError is one) of the refusal's kind.
      const error = await upload.catch(e => e);
      expect(isLicenseError(error) && error.kind).toBe(kind);
      await expect(upload).rejects.toThrow(reason);
      await expectRejected(knex, before, reason);
    }
    // The Base installed first is untouched.
    expect(engine.listLicenses().map(l => [l.id, l.state])).toEqual([['ent', 'valid']]);
    expect((await engine.upload(Buffer.from(base), ADMIN)).unchanged.map(l => l.id)).toEqual(['ent']);
  });

  it('refuses Plus without Base (one rejected record), and installs it with its Base in the same file', async () => {
    const knex = await databases.init(databaseId);
    const engine = await replica(knex, clocks);
    const plus = await sign(engine.keyId, T0, { type: 'plus', item: 'gpu' });
    const before = await stored(knex);
    await expect(engine.upload(Buffer.from(plus), ADMIN)).rejects.toMatchObject({ kind: 'invalid' });
    await expectRejected(knex, before, /needs a valid Base license/);
    const base = await sign(engine.keyId, T0, { type: 'base', item: 'standard' });
    const result = await engine.upload(Buffer.from(`${plus}\n${base}`), ADMIN);
    expect(result.installed.map(l => [l.type, l.state])).toEqual([
      ['plus', 'valid'],
      ['base', 'valid'],
    ]);
  });

  it('asks "Base in force" at the trusted instant: with the clock turned back, a Base expired at the high-water mark does not carry a Plus', async () => {
    const knex = await databases.init(databaseId);
    const engine = await replica(knex, clocks);
    await engine.upload(
      Buffer.from(await sign(engine.keyId, T0, { type: 'base', item: 'standard' }, { exp: secondsOf(T0 + 10 * DAY) })),
      ADMIN,
    );
    pass(12 * DAY);
    await engine.sync(true); // the mark follows the time seen to pass: the Base has expired
    clocks.now = T0 + 5 * DAY; // the wall clock is turned back to when the Base was valid
    await engine.sync(true);
    expect(engine.status().exceptions.map(e => e.code)).toEqual(expect.arrayContaining(['CLOCK_ROLLBACK', 'LICENSE_EXPIRED']));
    const before = await stored(knex);
    const plus = await sign(engine.keyId, T0 + 5 * DAY, { type: 'plus', item: 'gpu' });
    await expect(engine.upload(Buffer.from(plus), ADMIN)).rejects.toThrow(/needs a valid Base license/);
    await expectRejected(knex, before, /needs a valid Base license/);
  });

  it('records the upload and what it superseded from the evaluations before and after, and answers with the views', async () => {
    const { engine } = await withBase();
    const newer = await sign(engine.keyId, T0, { type: 'base', item: 'enterprise-prepaid', quota: { hosts: 200 } }, { jti: 'ent-2' });
    const result = await engine.upload(Buffer.from(newer), ADMIN);
    expect(result.installed.map(l => [l.id, l.state, l.deletable])).toEqual([['ent-2', 'valid', false]]);
    expect(result.superseded.map(l => [l.id, l.state])).toEqual([['ent', 'superseded']]);
    const { items } = await engine.records({ limit: 10 });
    expect(items.map(r => [r.action, r.licenseId, r.state, r.detail])).toEqual([
      ['replace', 'ent', 'superseded', 'replaced by ent-2'],
      ['upload', 'ent-2', 'valid', null],
      ['upload', 'ent', 'valid', null],
    ]);
  });
});
