import { UsageError } from './errors';
import { parseDay, parseItemSpec } from './index';

describe('parseItemSpec', () => {
  it('reads an item without quotas', () => {
    expect(parseItemSpec('enterprise-prepaid', '--base')).toEqual({ item: 'enterprise-prepaid', quota: {} });
  });

  it('reads one quota', () => {
    expect(parseItemSpec('vmware:vmware-cpus=32', '--plus')).toEqual({
      item: 'vmware',
      quota: { 'vmware-cpus': 32 },
    });
  });

  it('reads several quotas', () => {
    expect(parseItemSpec('standard:hosts=100,arm-hosts=4', '--base')).toEqual({
      item: 'standard',
      quota: { hosts: 100, 'arm-hosts': 4 },
    });
  });

  it('accepts the largest safe integer as a quota', () => {
    expect(parseItemSpec(`standard:hosts=${Number.MAX_SAFE_INTEGER}`, '--base').quota.hosts).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it.each([
    ['an empty spec', ''],
    ['a missing item', ':hosts=1'],
    ['an empty quota part', 'standard:'],
    ['a second colon', 'standard:hosts=1:x'],
    ['a quota without a value', 'standard:hosts'],
    ['a quota without a metric', 'standard:=5'],
    ['a zero quota', 'standard:hosts=0'],
    ['a negative quota', 'standard:hosts=-1'],
    ['a fractional quota', 'standard:hosts=1.5'],
    ['an exponent', 'standard:hosts=1e3'],
    ['a quota beyond a safe integer', 'standard:hosts=9007199254740993'],
    ['an empty pair between commas', 'standard:hosts=1,,arm-hosts=2'],
    ['a trailing comma', 'standard:hosts=1,'],
    ['an upper-case metric', 'standard:HOSTS=1'],
    ['spaces around the value', 'standard:hosts= 1'],
    ['the same metric twice', 'standard:hosts=1,hosts=2'],
  ])('refuses %s', (_what, spec) => {
    expect(() => parseItemSpec(spec, '--base')).toThrow(UsageError);
  });

  it('names the flag and the spec in its error', () => {
    expect(() => parseItemSpec('vmware:vmware-cpus=0', '--plus')).toThrow(/--plus 'vmware:vmware-cpus=0'/);
  });
});

describe('parseDay', () => {
  it('gives 00:00:00 UTC of the day', () => {
    expect(new Date(parseDay('2027-03-31', '--expires')).toISOString()).toBe('2027-03-31T00:00:00.000Z');
  });

  it('accepts 29 February of a leap year', () => {
    expect(new Date(parseDay('2028-02-29', '--expires')).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it.each([
    ['an empty string', ''],
    ['a day that does not exist', '2027-02-30'],
    ['29 February of a common year', '2027-02-29'],
    ['month 13', '2027-13-01'],
    ['day 0', '2027-01-00'],
    ['a date without leading zeros', '2027-3-31'],
    ['a day-first date', '31-03-2027'],
    ['a date with slashes', '2027/03/31'],
    ['a date with a time', '2027-03-31T00:00:00Z'],
    ['surrounding spaces', ' 2027-03-31 '],
    ['words', 'tomorrow'],
  ])('refuses %s', (_what, value) => {
    expect(() => parseDay(value, '--expires')).toThrow(UsageError);
  });

  it('names the flag in its error', () => {
    expect(() => parseDay('2027-02-30', '--not-before')).toThrow("--not-before '2027-02-30' is not a date");
  });
});
