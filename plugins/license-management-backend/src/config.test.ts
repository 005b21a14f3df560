import { ConfigReader } from '@backstage/config';
import { parseCatalogFilter, readSettings } from './config';

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
    expect(() => read({ readPermissionCacheSeconds: -1 })).toThrow(/readPermissionCacheSeconds must be between 0 and 300/);
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
