import { validStatus, communityStatus } from '../testUtils/fixtures';
import { daysLeft, daysLeftText, formatBytes, formatQuota, itemTitle, mechanismLabel, methodLabel } from './format';

const DAY = 86_400_000;

describe('format', () => {
  it('counts days left as the backend does: whole days, rounded up, never below 0', () => {
    const now = Date.UTC(2030, 0, 1, 12);
    expect(daysLeft(new Date(now + 9.5 * DAY).toISOString(), now)).toBe(10);
    expect(daysLeft(new Date(now + 10 * DAY).toISOString(), now)).toBe(10);
    expect(daysLeft(new Date(now - DAY).toISOString(), now)).toBe(0);
    expect(daysLeftText(new Date(now + 0.2 * DAY).toISOString(), now)).toBe('1 day');
    expect(daysLeftText(new Date(now - 1).toISOString(), now)).toBe('None (expired)');
  });

  it('names methods, items and quotas for people', () => {
    expect(methodLabel('request-key')).toBe('Local (request key)');
    expect(methodLabel('usb-key')).toBe('Local (USB key)');
    expect(methodLabel('server')).toBe('Server');
    expect(methodLabel(null)).toBe('—');
    expect(itemTitle('vmware')).toBe('VMware Management');
    expect(itemTitle('some-custom-module')).toBe('some-custom-module');
    expect(formatQuota({ hosts: 100, 'vmware-cpus': 32 })).toBe('Hosts: 100, VMware CPUs: 32');
    expect(formatQuota({})).toBe('—');
  });

  it('describes the licensing mechanism', () => {
    expect(mechanismLabel(communityStatus())).toBe('Community (no Base license)');
    expect(mechanismLabel(validStatus())).toBe('Base License + 1 Plus License');
    expect(mechanismLabel(validStatus({ plus: [] }))).toBe('Base License');
  });

  it('sizes files', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(3482)).toBe('3.4 KiB');
    expect(formatBytes(2 * 1024 * 1024)).toBe('2.0 MiB');
  });
});
