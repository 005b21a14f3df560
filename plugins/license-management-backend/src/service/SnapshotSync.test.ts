import { TestDatabases } from '@backstage/backend-test-utils';
import { ADMIN, DAY, replica, sign, T0, type TestClocks } from './testReplica';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const secondsOf = (ms: number) => Math.floor(ms / 1000);

describe.each(databases.eachSupportedId())('SnapshotSync on %p', databaseId => {
  let clocks: TestClocks;
  beforeEach(() => {
    clocks = { now: T0, mono: 0 };
  });
  const pass = (ms: number) => {
    clocks.now += ms;
    clocks.mono += ms;
  };

  it('records each expiry the domain decides once, however many replicas sync how often', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    const b = await replica(knex, clocks);
    const short = await sign(a.keyId, T0, { type: 'base', item: 'standard' }, { jti: 'short', exp: secondsOf(T0 + 2 * DAY) });
    const long = await sign(a.keyId, T0, { type: 'plus', item: 'gpu' }, { jti: 'long' });
    await a.upload(Buffer.from(`${short}\n${long}`), ADMIN);
    pass(DAY);
    await Promise.all([a.sync(true), b.sync(true)]);
    expect((await a.records({ limit: 10, filter: { action: 'expire' } })).items).toEqual([]);

    pass(2 * DAY);
    await Promise.all([a.sync(true), b.sync(true), a.sync(true), b.sync(true)]);
    await a.sync(true);
    const { items } = await a.records({ limit: 10, filter: { action: 'expire' } });
    expect(items.map(r => [r.licenseId, r.state, r.actor])).toEqual([['short', 'expired', 'system']]);
    expect(a.listLicenses().map(l => [l.id, l.state])).toEqual([
      ['short', 'expired'],
      ['long', 'valid'],
    ]);
  });

  it('judges expiry at the trusted instant: a clock turned back does not hide an expiry the time seen to pass has reached', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    await a.upload(Buffer.from(await sign(a.keyId, T0, { type: 'base', item: 'standard' }, { jti: 'b', exp: secondsOf(T0 + DAY) })), ADMIN);
    pass(2 * DAY);
    await a.sync(true); // raises the mark past the exp
    clocks.now = T0; // turned back before the exp
    clocks.mono += 60_000;
    await a.sync(true);
    const { items } = await a.records({ limit: 10, filter: { action: 'expire' } });
    expect(items.map(r => r.licenseId)).toEqual(['b']);
    // The view says the same as the record: expired, judged at the mark.
    expect(a.listLicenses()).toEqual([expect.objectContaining({ id: 'b', state: 'expired', daysLeft: null })]);
  });

  it('reloads a replica when another one changed something, within a sync', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    const b = await replica(knex, clocks);
    const revisions: number[] = [];
    b.onChange(r => revisions.push(r));
    await a.upload(Buffer.from(await sign(a.keyId, T0, { type: 'base', item: 'standard' })), ADMIN);
    expect(b.status().edition).toBe('community');
    await b.sync(false);
    expect(b.status().edition).toBe('standard');
    expect(revisions.length).toBe(2);
  });
});
