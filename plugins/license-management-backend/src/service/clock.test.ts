import { TestDatabases } from '@backstage/backend-test-utils';
import { KnexLicenseStore } from '../database/KnexLicenseStore';
import { ADMIN, codes, DAY, expectRejected, replica, sign, stored, T0, type TestClocks } from './testReplica';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const MINUTE = 60_000;
const YEAR = 365 * DAY;

describe.each(databases.eachSupportedId())('the clock, on %p', databaseId => {
  let clocks: TestClocks;
  beforeEach(() => {
    clocks = { now: T0, mono: 0 };
  });
  /** Real time passing: both clocks move. */
  const pass = (ms: number) => {
    clocks.now += ms;
    clocks.mono += ms;
  };
  const highWater = async (knex: any) => Number((await knex('license_meta').where({ key: 'high_water' }).first()).value);

  it('a forward jump does not lock the portal: +2 years, reload, clock back — no CLOCK_ROLLBACK, no LICENSE_EXPIRED, new licenses install valid', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    await a.upload(Buffer.from(await sign(a.keyId, T0, { type: 'base', item: 'standard' })), ADMIN);
    pass(MINUTE);

    clocks.now += 2 * YEAR; // the wall clock jumps; one more minute is seen to pass
    clocks.mono += MINUTE;
    await a.sync(true);
    expect(await highWater(knex)).toBeLessThanOrEqual(T0 + 2 * MINUTE);
    const { items } = await a.records({ limit: 10, filter: { action: 'clock' } });
    expect(items).toEqual([expect.objectContaining({ actor: 'system', detail: expect.stringMatching(/jumped forward by 2 years/) })]);
    // What the jumped clock says is shown, but not written into the history as an expiry.
    expect(a.status().state).toBe('expired');
    expect((await a.records({ limit: 10, filter: { action: 'expire' } })).items).toEqual([]);

    clocks.now = T0 + 3 * MINUTE; // the clock is fixed
    clocks.mono += MINUTE;
    await a.sync(true);
    expect(codes(a)).toEqual([]);
    expect(a.status()).toMatchObject({ edition: 'standard', state: 'valid' });
    const fresh = await a.upload(Buffer.from(await sign(a.keyId, clocks.now, { type: 'plus', item: 'backup' })), ADMIN);
    expect(fresh.installed.map(l => l.state)).toEqual(['valid']);

    // A restart after the jump agrees.
    const b = await replica(knex, clocks);
    expect(codes(b)).toEqual([]);
    expect(b.check({ feature: 'backup' }).allowed).toBe(true);
  });

  it('a forward jump at restart does not move the mark either', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    await a.upload(Buffer.from(await sign(a.keyId, T0, { type: 'base', item: 'standard' })), ADMIN);
    clocks.now += 2 * YEAR;
    const b = await replica(knex, clocks);
    await b.sync(true);
    expect(await highWater(knex)).toBe(T0);
    clocks.now = T0 + MINUTE;
    const c = await replica(knex, clocks);
    expect(codes(c)).toEqual([]);
  });

  it('still catches a clock turned back against the time seen to pass, and judges licenses at the mark', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    await a.upload(
      Buffer.from(await sign(a.keyId, T0, { type: 'base', item: 'standard' }, { exp: Math.floor((T0 + 2 * DAY) / 1000) })),
      ADMIN,
    );
    pass(3 * DAY);
    await a.sync(true);
    expect(a.status().state).toBe('expired');

    clocks.now = T0 + DAY; // turned back to revive the license
    clocks.mono += MINUTE;
    await a.sync(true);
    expect(codes(a).sort()).toEqual(['CLOCK_ROLLBACK', 'LICENSE_EXPIRED']);
    expect(a.status().state).toBe('expired');
    const { items } = await a.records({ limit: 10, filter: { action: 'clock' } });
    expect(items[0].detail).toMatch(/turned back by 2 days/);
  });

  it('judges an upload at the trusted instant: an expired license does not install while the clock is turned back', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    await a.upload(Buffer.from(await sign(a.keyId, T0, { type: 'base', item: 'standard' }, { exp: Math.floor((T0 + 30 * DAY) / 1000) })), ADMIN);
    pass(3 * DAY);
    await a.sync(true);
    clocks.now = T0; // turned back
    clocks.mono += MINUTE;
    await a.sync(true);
    expect(codes(a)).toContain('CLOCK_ROLLBACK');
    const before = await stored(knex);

    // Expires a day after the clock as turned back, two days before the time already seen.
    const stale = await sign(a.keyId, T0 - DAY, { type: 'plus', item: 'backup' }, { exp: Math.floor((T0 + DAY) / 1000) });
    const upload = a.upload(Buffer.from(stale), ADMIN);
    await expect(upload).rejects.toMatchObject({ name: 'LicenseError', kind: 'invalid' });
    await expect(upload).rejects.toThrow(/expired/);
    await expectRejected(knex, before, /expired/);
  });

  it('an admin acknowledges a confirmed clock fault: the mark is reset, recorded, and every replica follows', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    const b = await replica(knex, clocks);
    await a.upload(Buffer.from(await sign(a.keyId, T0, { type: 'base', item: 'standard' })), ADMIN);
    // A mark two years ahead (an earlier version, or a replica whose clock was wrong when the installation was created).
    await (await KnexLicenseStore.fromKnex(knex)).raiseHighWater(T0 + 2 * YEAR);
    await a.sync(true);
    await b.sync(true);
    expect(codes(a).sort()).toEqual(['CLOCK_ROLLBACK', 'LICENSE_EXPIRED']);
    expect(codes(b).sort()).toEqual(['CLOCK_ROLLBACK', 'LICENSE_EXPIRED']);

    pass(MINUTE);
    const ack = await a.acknowledgeClock(ADMIN);
    expect(ack).toMatchObject({
      previousHighWaterMark: new Date(T0 + 2 * YEAR).toISOString(),
      highWaterMark: new Date(clocks.now).toISOString(),
    });
    expect(ack.status.exceptions).toEqual([]);
    expect(ack.status.state).toBe('valid');
    expect(await highWater(knex)).toBe(clocks.now);
    const { items } = await a.records({ limit: 1 });
    expect(items[0]).toMatchObject({ action: 'clock', actor: ADMIN, detail: expect.stringMatching(/acknowledged/) });

    // The other replica reloads on the revision change, and counts from the new mark.
    await b.sync(false);
    expect(codes(b)).toEqual([]);
    pass(10 * MINUTE);
    await b.sync(true);
    expect(await highWater(knex)).toBe(clocks.now);
    expect(codes(b)).toEqual([]);
  });

  it('advances the mark with time seen to pass while the clock is right', async () => {
    const knex = await databases.init(databaseId);
    const a = await replica(knex, clocks);
    expect(await highWater(knex)).toBe(T0);
    pass(5 * DAY);
    await a.sync(true);
    expect(await highWater(knex)).toBe(T0 + 5 * DAY);
    const { items } = await a.records({ limit: 10, filter: { action: 'clock' } });
    expect(items).toEqual([]);
  });
});
