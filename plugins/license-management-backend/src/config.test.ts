import { ConfigReader } from '@backstage/config';
import { NUMERIC_SETTINGS, parseCatalogFilter, readSettings } from './config';

const read = (licenseManagement: object) => readSettings(new ConfigReader({ licenseManagement } as any));

describe('readSettings: usage and the read permission cache', () => {
  it('defaults to no catalog counts, a 30 s global refresh and a 10 s read decision cache', () => {
    const s = read({});
    expect(s.usage.catalog).toEqual([]);
    expect(s.usage.schedule).toMatchObject({ frequency: { seconds: 30 } });
    expect(s.readPermissionCacheMs).toBe(10_000);
  });

  it('reads catalog counts in the catalog API filter syntax, one filter or a list', () => {
    const s = read({
      usage: {
        schedule: { frequency: { minutes: 5 }, timeout: { minutes: 1 } },
        catalog: [
          { metric: 'hosts', filter: 'kind=Resource,spec.type=host' },
          { metric: 'arm-hosts', filter: ['kind=Resource,spec.type=arm64-host', 'kind=Resource, spec.type = aarch64-host'] },
        ],
      },
      readPermissionCacheSeconds: 0,
    });
    expect(s.usage.schedule).toMatchObject({ frequency: { minutes: 5 } });
    expect(s.usage.catalog).toEqual([
      { metric: 'hosts', filter: [{ kind: 'Resource', 'spec.type': 'host' }] },
      {
        metric: 'arm-hosts',
        filter: [
          { kind: 'Resource', 'spec.type': 'arm64-host' },
          { kind: 'Resource', 'spec.type': 'aarch64-host' },
        ],
      },
    ]);
    expect(s.readPermissionCacheMs).toBe(0);
  });

  it('refuses unknown metrics, repeated metrics, bad filters and a bad cache time, naming the key', () => {
    expect(() => read({ usage: { catalog: [{ metric: 'parsecs', filter: 'kind=Resource' }] } })).toThrow(
      "licenseManagement.usage.catalog[0].metric 'parsecs' is not a quota metric of the catalog",
    );
    expect(() =>
      read({ usage: { catalog: [{ metric: 'hosts', filter: 'kind=A' }, { metric: 'hosts', filter: 'kind=B' }] } }),
    ).toThrow("licenseManagement.usage.catalog counts 'hosts' twice");
    expect(() => read({ usage: { catalog: [{ metric: 'hosts', filter: 'Resource' }] } })).toThrow(
      "licenseManagement.usage.catalog[0].filter 'Resource' is not a catalog filter",
    );
    expect(() => read({ usage: { catalog: [{ metric: 'hosts', filter: [] }] } })).toThrow(/filter must be a catalog filter/);
    expect(() => read({ readPermissionCacheSeconds: -1 })).toThrow(
      'licenseManagement.readPermissionCacheSeconds must be a number of seconds from 0 to 300; it is -1.',
    );
  });
});

describe('parseCatalogFilter', () => {
  it('ANDs keys and ORs the values of a repeated key', () => {
    expect(parseCatalogFilter('kind=Resource,spec.type=host,spec.type=vm-host', 'x')).toEqual({
      kind: 'Resource',
      'spec.type': ['host', 'vm-host'],
    });
  });

  it.each(['', 'kind', '=host', 'kind=', 'kind=Resource,,spec.type=host'])('refuses %p', text => {
    expect(() => parseCatalogFilter(text, 'where')).toThrow(/not a catalog filter/);
  });
});

describe('readSettings: numeric settings', () => {
  it('defaults to 15 warning days, a 10 minute rollback tolerance, a 2 s sync and a 10 s cache', () => {
    const s = read({});
    expect(s.expiryWarningDays).toBe(15);
    expect(s.rollbackToleranceMs).toBe(10 * 60_000);
    expect(s.syncIntervalMs).toBe(2000);
    expect(s.readPermissionCacheMs).toBe(10_000);
  });

  it('reads values within range, the bounds included', () => {
    const low = read({ expiryWarningDays: 0, clockRollbackToleranceMinutes: 1, syncIntervalMs: 100, readPermissionCacheSeconds: 0 });
    expect(low).toMatchObject({ expiryWarningDays: 0, rollbackToleranceMs: 60_000, syncIntervalMs: 100, readPermissionCacheMs: 0 });
    const high = read({
      expiryWarningDays: 365,
      clockRollbackToleranceMinutes: 1440,
      syncIntervalMs: 300_000,
      readPermissionCacheSeconds: 300,
    });
    expect(high).toMatchObject({
      expiryWarningDays: 365,
      rollbackToleranceMs: 1440 * 60_000,
      syncIntervalMs: 300_000,
      readPermissionCacheMs: 300_000,
    });
    expect(read({ clockRollbackToleranceMinutes: 2.5 }).rollbackToleranceMs).toBe(150_000);
  });

  it('refuses a negative rollback tolerance (CLOCK_ROLLBACK for good), naming the key and the range', () => {
    expect(() => read({ clockRollbackToleranceMinutes: -10 })).toThrow(
      'licenseManagement.clockRollbackToleranceMinutes must be a number of minutes from 1 to 1,440; it is -10.',
    );
  });

  it('refuses a sync interval of 0 (a poll every millisecond), naming the key and the range', () => {
    expect(() => read({ syncIntervalMs: 0 })).toThrow(
      'licenseManagement.syncIntervalMs must be a whole number of milliseconds from 100 to 300,000; it is 0.',
    );
  });

  it.each([
    ['expiryWarningDays', -1],
    ['expiryWarningDays', 366],
    ['expiryWarningDays', 1.5],
    ['expiryWarningDays', Number.POSITIVE_INFINITY],
    ['clockRollbackToleranceMinutes', 0],
    ['clockRollbackToleranceMinutes', 1441],
    ['clockRollbackToleranceMinutes', Number.POSITIVE_INFINITY],
    ['syncIntervalMs', -2000],
    ['syncIntervalMs', 99],
    ['syncIntervalMs', 300_001],
    ['syncIntervalMs', 2000.5],
    ['readPermissionCacheSeconds', 301],
    ['readPermissionCacheSeconds', Number.NEGATIVE_INFINITY],
  ])('refuses %s = %p at startup, naming the key and the range', (key, value) => {
    const setting = NUMERIC_SETTINGS[key as keyof typeof NUMERIC_SETTINGS];
    expect(() => read({ [key]: value })).toThrow(
      new RegExp(`^licenseManagement\\.${key} must be a (whole )?number of ${setting.unit} from [\\d,]+ to [\\d,]+; it is `),
    );
  });

  it.each(Object.keys(NUMERIC_SETTINGS))('refuses %s given as text that is not a number', key => {
    expect(() => read({ [key]: 'soon' })).toThrow(new RegExp(`^licenseManagement\\.${key} must be .*; it is not a number\\.$`));
  });

  it('reads a number given as text, as environment variables give them', () => {
    expect(read({ syncIntervalMs: '5000' }).syncIntervalMs).toBe(5000);
  });
});
