import { ConfigReader } from '@backstage/config';
import { readSharingSettings } from './config';

const read = (sharing?: unknown) =>
  readSharingSettings(new ConfigReader(sharing === undefined ? {} : { licenseManagement: { sharing } } as any));

describe('licenseManagement.sharing', () => {
  it('is off, with a 60 s lease, when absent', () => {
    expect(read()).toEqual({ enabled: false, leaseTtlMs: 60_000 });
    expect(read({})).toEqual({ enabled: false, leaseTtlMs: 60_000 });
  });

  it('reads enabled and leaseTtl as a Backstage duration (object or ISO 8601)', () => {
    expect(read({ enabled: true, leaseTtl: { seconds: 60 } })).toEqual({ enabled: true, leaseTtlMs: 60_000 });
    expect(read({ enabled: true, leaseTtl: { minutes: 2, seconds: 5 } })).toEqual({ enabled: true, leaseTtlMs: 125_000 });
    expect(read({ enabled: true, leaseTtl: 'PT1S' })).toEqual({ enabled: true, leaseTtlMs: 1000 });
    expect(read({ enabled: true, leaseTtl: { days: 1 } }).leaseTtlMs).toBe(86_400_000);
  });

  it('refuses a lease shorter than 1 second, or not a duration, naming the key', () => {
    expect(() => read({ enabled: true, leaseTtl: { milliseconds: 999 } })).toThrow(
      /licenseManagement\.sharing\.leaseTtl must be a duration of 1 second or more, such as \{ seconds: 60 \}; it is 999 ms/,
    );
    expect(() => read({ enabled: true, leaseTtl: { seconds: 0 } })).toThrow(/1 second or more/);
    expect(() => read({ enabled: true, leaseTtl: 'soon' })).toThrow(/licenseManagement\.sharing\.leaseTtl must be a duration/);
    expect(() => read({ enabled: true, leaseTtl: { fortnights: 1 } })).toThrow(/licenseManagement\.sharing\.leaseTtl/);
  });

  it('refuses an enabled that is not a boolean', () => {
    expect(() => read({ enabled: 'yes please' })).toThrow('licenseManagement.sharing.enabled must be true or false.');
  });
});
