import { ConfigReader } from '@backstage/config';
import { compileCatalog } from '@backstage-licensing/plugin-license-management-common';
import { DEFAULT_GRACE_MS, DEFAULT_RENEW_INTERVAL_MS, readLeaseClientSettings } from './config';

const catalog = compileCatalog();
const read = (server: unknown) => readLeaseClientSettings(new ConfigReader({ licenseManagement: { server } } as any), catalog);

describe('licenseManagement.server', () => {
  it('is off without it, with the default timing', () => {
    expect(readLeaseClientSettings(new ConfigReader({}), catalog)).toEqual({
      renewIntervalMs: DEFAULT_RENEW_INTERVAL_MS,
      graceMs: DEFAULT_GRACE_MS,
    });
    expect(DEFAULT_RENEW_INTERVAL_MS).toBe(20_000);
    expect(DEFAULT_GRACE_MS).toBe(24 * 3_600_000);
  });

  it('reads the server, the terms and the timing; a trailing slash is dropped', () => {
    expect(
      read({
        url: 'http://licenses.example.com:7007/',
        credential: 'abc.def',
        modules: ['vmware'],
        quota: { hosts: 5 },
        renewInterval: { seconds: 5 },
        grace: { hours: 2 },
      }),
    ).toEqual({
      config: { url: 'http://licenses.example.com:7007', credential: 'abc.def', modules: ['vmware'], quota: { hosts: 5 } },
      renewIntervalMs: 5000,
      graceMs: 2 * 3_600_000,
    });
  });

  it('takes the timing alone, for a setting made at runtime', () => {
    expect(read({ renewInterval: { seconds: 2 } })).toEqual({ renewIntervalMs: 2000, graceMs: DEFAULT_GRACE_MS });
  });

  it.each([
    [{ credential: 'c' }, /licenseManagement\.server\.url is required/],
    [{ url: 'http://x' }, /licenseManagement\.server\.credential is required/],
    [{ url: 'x', credential: 'c' }, /backend base URL/],
    [{ url: 'file:///x', credential: 'c' }, /http or https/],
    [{ url: 'http://x', credential: 'c', modules: ['nope'] }, /'nope' is not a module/],
    [{ url: 'http://x', credential: 'c', quota: { hosts: -1 } }, /integer of 0 or more/],
    [{ url: 'http://x', credential: 'c', quota: [1] }, /quota must map metrics/],
    [{ renewInterval: { milliseconds: 500 } }, /renewInterval must be a duration from 1 second to 1 hour/],
    [{ renewInterval: { hours: 2 } }, /renewInterval must be a duration from 1 second to 1 hour/],
    [{ renewInterval: { seconds: 30 }, grace: { seconds: 10 } }, /grace must be a duration from renewInterval \(30 s\)/],
    [{ grace: { days: 400 } }, /to 365 days/],
    [{ grace: 'soon' }, /grace must be a duration such as/],
  ])('refuses %j with what to do', (server, message) => {
    expect(() => read(server)).toThrow(message);
  });
});
