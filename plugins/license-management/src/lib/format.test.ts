import { catalogTitles } from '@backstage-licensing/plugin-license-management-react';
import { validStatus, communityStatus, customCatalog, quotaExceededStatus } from '../testUtils/fixtures';
import { portalStateText, degradedReason } from './degraded';
import {
  daysLeftText,
  formatBytes,
  formatDay,
  formatQuota,
  mechanismLabel,
  methodLabel,
  stateLabel,
  timeLeftText,
  typeLabel,
  validThroughText,
} from './format';

describe('format', () => {
  it("shows the server's days left", () => {
    expect(daysLeftText(10)).toBe('10 days');
    expect(daysLeftText(1)).toBe('1 day');
    expect(daysLeftText(0)).toBe('Last day today');
    expect(daysLeftText(null)).toBe('None (expired)');
  });

  it('shows the last valid day as the calendar day the vendor typed, whatever the time zone', () => {
    // The tests run in whatever zone the machine has; the day must not move.
    expect(formatDay('2027-12-31')).toBe(new Date(2027, 11, 31).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }));
    expect(validThroughText('2027-12-31')).toMatch(/^valid through .*31.*2027$/);
    expect(validThroughText('2028-01-01')).not.toContain('2027');
    expect(validThroughText(null)).toBe('—');
  });

  it('names methods, types and states in the words of LIST_TITLES', () => {
    expect(methodLabel('request-key')).toBe('Request key');
    expect(methodLabel('usb-key')).toBe('USB key');
    expect(methodLabel('server')).toBe('License server');
    expect(methodLabel(null)).toBe('—');
    expect(typeLabel('plus')).toBe('Plus');
    expect(stateLabel('tampered')).toBe('Tampered');
    expect(stateLabel('community')).toBe('Community');
  });

  it("names quotas in the words of the portal's catalog", () => {
    expect(formatQuota({ hosts: 100, 'vmware-cpus': 32 }, catalogTitles(validStatus().catalog))).toBe('Hosts: 100, VMware CPUs: 32');
    expect(formatQuota({ seats: 25 }, catalogTitles(customCatalog))).toBe('Named seats: 25');
    expect(formatQuota({ seats: 25 }, catalogTitles(undefined))).toBe('seats: 25');
    expect(formatQuota({}, catalogTitles(customCatalog))).toBe('—');
  });

  it('describes the licensing mechanism', () => {
    expect(mechanismLabel(communityStatus())).toBe('Community (no Base license)');
    expect(mechanismLabel(validStatus())).toBe('Base License + 1 Plus License');
    expect(mechanismLabel(validStatus({ plus: [] }))).toBe('Base License');
  });

  it('calls a valid portal that denies features degraded, and says why', () => {
    expect(portalStateText(validStatus())).toBe('Valid');
    expect(degradedReason(validStatus())).toBeUndefined();
    expect(portalStateText(quotaExceededStatus())).toBe('Degraded: quota exceeded');
    expect(portalStateText(communityStatus())).toBe('Community');
  });

  it('sizes files', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(3482)).toBe('3.4 KiB');
    expect(formatBytes(2 * 1024 * 1024)).toBe('2.0 MiB');
  });
});

describe('timeLeftText', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  const at = (ms: number) => new Date(now + ms).toISOString();
  it('says what is left in the two largest units, and when it has ended', () => {
    expect(timeLeftText(at((2 * 24 + 3) * 3_600_000 + 120_000), now)).toBe('2 days 3 hours left');
    expect(timeLeftText(at(24 * 3_600_000), now)).toBe('1 day left');
    expect(timeLeftText(at(3_600_000 + 45 * 60_000), now)).toBe('1 hour 45 minutes left');
    expect(timeLeftText(at(45 * 60_000 + 5_000), now)).toBe('45 minutes left');
    expect(timeLeftText(at(30_000), now)).toBe('less than a minute left');
    expect(timeLeftText(at(0), now)).toBe('ended');
    expect(timeLeftText(null, now)).toBe('—');
  });
});
